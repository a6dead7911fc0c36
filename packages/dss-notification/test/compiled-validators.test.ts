import { describeSoapCompiledValidators } from "@trustspec-private/test-support";
import { schemas } from "../src/generated/schemas.gen.js";
import { service } from "../src/generated/soap.gen.js";

describeSoapCompiledValidators(service, schemas, 2);
