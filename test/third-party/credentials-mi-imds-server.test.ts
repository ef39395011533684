import { describeManagedIdentity } from "./credentials-managed-identity.js";

describeManagedIdentity("server", "imds");
