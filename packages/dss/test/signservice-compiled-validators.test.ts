import { describeSoapCompiledValidators } from "@trustspec-private/test-support";
import { schemas } from "../src/generated/signservice/schemas.gen.js";
import { service } from "../src/generated/signservice/soap.gen.js";

describeSoapCompiledValidators(service, schemas, 46, "the SOAP Sign Service");
