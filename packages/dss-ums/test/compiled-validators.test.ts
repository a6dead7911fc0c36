import { describeCompiledValidators } from "@trustspec-private/test-support";
import { operationList } from "../src/generated/ums/operations.gen.js";
import { schemas } from "../src/generated/ums/schemas.gen.js";

describeCompiledValidators(operationList, schemas, 50);
