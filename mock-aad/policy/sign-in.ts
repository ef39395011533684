import type { Directory, Tenant, User } from "../directory.js";
import { findUserByUpn } from "../directory.js";
import { AadError } from "../errors.js";
import type { Lockouts } from "../lockout.js";
import type { Authority } from "./authority.js";

/*
 * Password and account checks, for the login page and for ROPC alike: who a sign-in name is, whether
 * the account is locked out, the password, whether the account is enabled, and in which tenant the
 * user may sign in.
 */

/** A user and their home tenant. */
export interface Account {
  tenant: Tenant;
  user: User;
}

/** The account of a sign-in name, in any tenant (Entra finds the home tenant from the name). */
export function accountByUpn(directory: Directory, upn: string): Account | undefined {
  return findUserByUpn(directory, upn);
}

/** The account of a user signed in earlier (session, code, refresh token), if it still exists. */
export function accountById(
  directory: Directory,
  who: { tenantId: string; objectId: string },
): Account | undefined {
  const tenant = directory.tenants.find((t) => t.id === who.tenantId);
  const user = tenant?.users.find((u) => u.objectId === who.objectId);
  return tenant && user ? { tenant, user } : undefined;
}

/** 50034: no such user; `tenantId` is the directory the message names. */
export function unknownUser(tenantId: string): AadError<"AADSTS50034"> {
  return new AadError("AADSTS50034", { tenantId });
}

/** 50053 while smart lockout holds the account (even the right password is refused then). */
export async function checkNotLockedOut(lockouts: Lockouts, account: Account): Promise<void> {
  // Without a lockout policy nothing is counted, so nothing need be read (the token endpoint's hot path).
  if (!account.tenant.lockout) return;
  if (await lockouts.locked(account.user.objectId)) throw new AadError("AADSTS50053");
}

/** 50126 for a wrong password. */
export function checkPassword(account: Account, password: string): void {
  if (password !== account.user.password) throw new AadError("AADSTS50126");
}

/** 50057 for a disabled account. */
export function checkEnabled(account: Account): void {
  if (!account.user.enabled) throw new AadError("AADSTS50057");
}

/** Counts a wrong password towards the tenant's lockout, or starts the count again after a right one. */
export async function recordPasswordOutcome(
  lockouts: Lockouts,
  account: Account,
  right: boolean,
): Promise<void> {
  if (!account.tenant.lockout) return;
  if (right) await lockouts.succeeded(account.user.objectId);
  else await lockouts.failed(account.user.objectId, account.tenant.lockout);
}

/**
 * No guest accounts in the sandbox: a user exists only in their home tenant, so an authority naming
 * another tenant refuses them (50020, reference §3.3).
 */
export function checkSignsInHere(
  account: Account,
  authority: Authority,
  app: { clientId: string; displayName: string },
): void {
  if (authority.kind !== "tenant" || authority.tenant.id === account.tenant.id) return;
  throw new AadError("AADSTS50020", {
    userTenantId: account.tenant.id,
    tenant: authority.tenant.displayName,
    clientId: app.clientId,
    appName: app.displayName,
  });
}

/**
 * The login page: name, lockout, password (counted towards lockout), enabled, in that order. The
 * tenant in a 50034 message is the authority segment as sent.
 */
export async function signInWithPassword(
  directory: Directory,
  lockouts: Lockouts,
  login: string,
  password: string | undefined,
  authoritySegment: string,
): Promise<Account> {
  const account = login ? accountByUpn(directory, login) : undefined;
  if (!account) throw unknownUser(authoritySegment);
  await checkNotLockedOut(lockouts, account);
  const right = password === account.user.password;
  await recordPasswordOutcome(lockouts, account, right);
  if (!right) throw new AadError("AADSTS50126");
  checkEnabled(account);
  return account;
}
