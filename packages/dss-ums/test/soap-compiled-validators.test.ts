import { describeSoapCompiledValidators } from "@trustspec-private/test-support";
import { schemas } from "../src/generated/ums-soap/schemas.gen.js";
import { service } from "../src/generated/ums-soap/soap.gen.js";

describeSoapCompiledValidators(service, schemas, 60, "the SOAP user management service");
