using System.Collections.Concurrent;

namespace ChatBackup.Teams.Authentication;

/// <summary>
/// The Bot Connector hosts the bot may send its token to. A serviceUrl becomes trusted when an
/// authenticated activity names it (its token's <c>serviceurl</c> claim vouches for it); the public
/// Teams connector hosts are trusted from the start, so another replica or a restarted process can
/// still update cards. Anything else never sees the token.
/// </summary>
public sealed class TrustedServiceUrls
{
    /// <summary>Teams' Bot Connector in the public cloud (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages).</summary>
    private static readonly string[] WellKnownHosts = ["smba.trafficmanager.net"];

    private readonly ConcurrentDictionary<string, byte> _seen = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Records the serviceUrl of an activity whose token was valid and named this serviceUrl.</summary>
    public void Add(string serviceUrl)
    {
        if (Origin(serviceUrl) is { } origin)
        {
            _seen.TryAdd(origin, 0);
        }
    }

    public bool IsTrusted(string serviceUrl)
    {
        if (!Uri.TryCreate(serviceUrl, UriKind.Absolute, out var uri))
        {
            return false;
        }

        if (uri.Scheme == Uri.UriSchemeHttps && uri.IsDefaultPort && WellKnownHosts.Contains(uri.IdnHost, StringComparer.OrdinalIgnoreCase))
        {
            return true;
        }

        return Origin(serviceUrl) is { } origin && _seen.ContainsKey(origin);
    }

    private static string? Origin(string serviceUrl) =>
        Uri.TryCreate(serviceUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri.GetLeftPart(UriPartial.Authority)
            : null;
}
