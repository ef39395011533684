import { describeManagedIdentity } from "./credentials-managed-identity.js";

describeManagedIdentity("intercept", "imds");
