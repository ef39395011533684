package sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.communication.identity.CommunicationIdentityClient;
import com.azure.communication.identity.CommunicationIdentityClientBuilder;
import com.azure.communication.identity.models.GetTokenForTeamsUserOptions;
import com.azure.core.credential.AccessToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.PublicClientApplication;
import com.microsoft.aad.msal4j.UserNamePasswordParameters;
import java.io.File;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Teams access token quickstart with the real MSAL4J and azure-communication-identity for Java. */
class QuickstartTest {
  private static final Set<String> ACS_SCOPES =
      Set.of(
          "https://auth.msft.communication.azure.com/Teams.ManageCalls",
          "https://auth.msft.communication.azure.com/Teams.ManageChats");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode named(JsonNode list, String name) {
    for (JsonNode item : list) if (item.get("name").asText().equals(name)) return item;
    throw new IllegalArgumentException("No " + name + " in the descriptor");
  }

  private static JsonNode claims(String jwt) throws Exception {
    return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
  }

  @Test
  void passwordSignInThenExchange() throws Exception {
    JsonNode d = JSON.readTree(new File(System.getProperty("sandbox.descriptor")));
    JsonNode alice = named(d.get("users"), "alice");
    String clientId = named(d.get("apps"), "contoso-teams").get("clientId").asText();
    String authority = named(d.get("tenants"), "fabrikam").get("authority").asText() + "/";

    // MSAL4J asks <authority host:port>/common/userrealm/<upn> first and fails on anything but 200.
    // #region msal4j
    PublicClientApplication app =
        PublicClientApplication.builder(clientId)
            .authority(authority)
            .validateAuthority(false)
            .instanceDiscovery(false)
            .build();
    IAuthenticationResult result =
        app.acquireToken(
                UserNamePasswordParameters.builder(
                        ACS_SCOPES, alice.get("upn").asText(), alice.get("password").asText().toCharArray())
                    .build())
            .get();
    // #endregion msal4j
    JsonNode entra = claims(result.accessToken());
    assertEquals(alice.get("objectId").asText(), entra.get("oid").asText());

    // #region exchange
    CommunicationIdentityClient client =
        new CommunicationIdentityClientBuilder()
            .connectionString(d.get("acs").get(0).get("connectionString").asText())
            .buildClient();
    AccessToken token =
        client.getTokenForTeamsUser(
            new GetTokenForTeamsUserOptions(result.accessToken(), clientId, entra.get("oid").asText()));
    // #endregion exchange
    assertTrue(claims(token.getToken()).get("skypeid").asText().startsWith("orgid:"));
    assertEquals(entra.get("exp").asLong(), token.getExpiresAt().toEpochSecond());
  }
}
