import {
  describeCompiledValidators,
  describeNamedCompiledValidators,
} from "@trustspec-private/test-support";
import { operationList } from "../src/generated/operations.gen.js";
import { schemas } from "../src/generated/schemas.gen.js";
import {
  validateBackpostCertRequest,
  validateBackpostError,
  validateBackpostFile,
  validateBackpostPackage,
} from "../src/generated/validators.gen.js";

describeCompiledValidators(operationList, schemas, 5);
describeNamedCompiledValidators(
  {
    BackpostFile: validateBackpostFile,
    BackpostError: validateBackpostError,
    BackpostCertRequest: validateBackpostCertRequest,
    BackpostPackage: validateBackpostPackage,
  },
  schemas,
  "the backpost posts",
);
