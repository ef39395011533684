/**
 * The `/etc/hosts` lines `serve --unmodified` gives for the default world (descriptor `port443.hosts`):
 * every real host name production code and the admin tools use, at the sandbox's address.
 */
export function defaultWorldHostLines(address: string): string[] {
  return [
    `${address} login.microsoftonline.com`,
    `${address} graph.microsoft.com`,
    `${address} management.azure.com`,
    `${address} contoso-acs.communication.azure.com`,
  ];
}
