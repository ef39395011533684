// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata polyfill
// loaded first; every module that makes certificates imports x509 from here.
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };
