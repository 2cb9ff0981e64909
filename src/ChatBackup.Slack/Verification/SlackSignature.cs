using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ChatBackup.Slack.Verification;

/// <summary>Why a request was accepted or refused by <see cref="SlackSignature.Verify"/>.</summary>
public enum SlackSignatureResult
{
    Valid,
    NoSigningSecret,
    MissingTimestamp,
    InvalidTimestamp,
    StaleTimestamp,
    MissingSignature,
    UnsupportedVersion,
    MalformedSignature,
    SignatureMismatch,
}

/// <summary>
/// Slack's v0 request signature: <c>v0=hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" + body))</c>.
/// See https://docs.slack.dev/authentication/verifying-requests-from-slack.
/// </summary>
public static class SlackSignature
{
    public const string TimestampHeader = "X-Slack-Request-Timestamp";
    public const string SignatureHeader = "X-Slack-Signature";

    /// <summary>How far the request timestamp may be from now, either way, to limit replays.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    private const string Version = "v0";
    private const int HashHexLength = 64;

    /// <summary>Checks a request; anything but <see cref="SlackSignatureResult.Valid"/> must be refused.</summary>
    public static SlackSignatureResult Verify(string? signingSecret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(signingSecret))
        {
            return SlackSignatureResult.NoSigningSecret;
        }

        if (string.IsNullOrEmpty(timestamp))
        {
            return SlackSignatureResult.MissingTimestamp;
        }

        // Digits only: long.TryParse alone would accept signs and whitespace that Slack never sends.
        if (timestamp.Length > 12 || !timestamp.All(char.IsAsciiDigit)
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return SlackSignatureResult.InvalidTimestamp;
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > (long)MaxClockSkew.TotalSeconds)
        {
            return SlackSignatureResult.StaleTimestamp;
        }

        if (string.IsNullOrEmpty(signature))
        {
            return SlackSignatureResult.MissingSignature;
        }

        var separator = signature.IndexOf('=', StringComparison.Ordinal);
        if (separator < 0)
        {
            return SlackSignatureResult.MalformedSignature;
        }

        if (!signature.AsSpan(0, separator).SequenceEqual(Version))
        {
            return SlackSignatureResult.UnsupportedVersion;
        }

        var hex = signature.AsSpan(separator + 1);
        if (hex.Length != HashHexLength)
        {
            return SlackSignatureResult.MalformedSignature;
        }

        Span<byte> provided = stackalloc byte[HashHexLength / 2];
        if (Convert.FromHexString(hex, provided, out _, out var written) != System.Buffers.OperationStatus.Done || written != provided.Length)
        {
            return SlackSignatureResult.MalformedSignature;
        }

        var expected = ComputeHash(signingSecret, timestamp, body);
        return CryptographicOperations.FixedTimeEquals(expected, provided)
            ? SlackSignatureResult.Valid
            : SlackSignatureResult.SignatureMismatch;
    }

    /// <summary>The <c>v0=…</c> header value Slack would send for this body.</summary>
    public static string Compute(string signingSecret, string timestamp, ReadOnlySpan<byte> body) =>
        Version + "=" + Convert.ToHexStringLower(ComputeHash(signingSecret, timestamp, body));

    private static byte[] ComputeHash(string signingSecret, string timestamp, ReadOnlySpan<byte> body)
    {
        var hmac = KeyedHmac.For(signingSecret);
        try
        {
            hmac.AppendData(Encoding.UTF8.GetBytes($"{Version}:{timestamp}:"));
            hmac.AppendData(body);
            return hmac.GetHashAndReset();
        }
        catch
        {
            // Never hand a half-fed HMAC to the next request.
            KeyedHmac.Forget();
            throw;
        }
    }

    /// <summary>
    /// One HMAC per thread, keyed with the signing secret once: setting an HMAC up (fetching the
    /// algorithm, hashing the padded key) costs several times what hashing a Slack payload does, and
    /// <see cref="IncrementalHash.GetHashAndReset()"/> returns it to the keyed state for the next request.
    /// </summary>
    private static class KeyedHmac
    {
        [ThreadStatic]
        private static string? _secret;

        [ThreadStatic]
        private static IncrementalHash? _hash;

        public static IncrementalHash For(string secret)
        {
            if (_hash is null || !string.Equals(_secret, secret, StringComparison.Ordinal))
            {
                Forget();
                _hash = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
                _secret = secret;
            }

            return _hash;
        }

        public static void Forget()
        {
            _hash?.Dispose();
            _hash = null;
            _secret = null;
        }
    }
}
