import { describeCompiledValidators } from "@trustspec-private/test-support";
import { operationList } from "../src/generated/operations.gen.js";
import { schemas } from "../src/generated/schemas.gen.js";

describeCompiledValidators(operationList, schemas, 5);
