// The API document checked by @apidevtools/swagger-parser: validate() (the OpenAPI schema and
// every $ref).  Usage: node validate.mjs FILE.json   Prints "valid" or the errors; exit 1 on errors.
import SwaggerParser from "@apidevtools/swagger-parser";

try {
	const api = await SwaggerParser.validate(process.argv[2]);
	console.log(`valid: OpenAPI ${api.openapi}, ${Object.keys(api.paths).length} paths`);
} catch (e) {
	console.log(String(e.message));
	process.exit(1);
}
