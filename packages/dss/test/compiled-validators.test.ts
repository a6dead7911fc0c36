import { describeCompiledValidators } from "@trustspec-private/test-support";
import { operationList as signServer } from "../src/generated/signserver/operations.gen.js";
import { schemas as signServerSchemas } from "../src/generated/signserver/schemas.gen.js";
import { operationList as sts } from "../src/generated/sts/operations.gen.js";
import { schemas as stsSchemas } from "../src/generated/sts/schemas.gen.js";

describeCompiledValidators(signServer, signServerSchemas, 100, "the Signature Service");
describeCompiledValidators(sts, stsSchemas, 10, "the identity centre");
