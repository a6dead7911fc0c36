/**
 * The emulator the benchmark calls, in a process of its own so that the benchmark's heap holds
 * only the client's data: a standalone UMS with `USERS` seeded users. Prints its URL on stdout.
 */
import { DssUmsEmulator } from "../src/server.js";

const emulator = new DssUmsEmulator({ operators: [{ token: "bench", login: "operator" }] });
emulator.seedUsers(Number(process.env.USERS ?? "10000"));
const server = await emulator.listen();
process.stdout.write(`${server.url}\n`);
process.on("message", async () => {
  await server.close();
  process.exit(0);
});
