using System.Text;
using ChatBackup.Slack.Verification;

namespace ChatBackup.UnitTests.Slack;

public sealed class SlackSignatureTests
{
    // Slack's published example: https://docs.slack.dev/authentication/verifying-requests-from-slack
    private const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";
    private const string Timestamp = "1531420618";
    private const string Signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
    private const string SignatureWithShortSecret = "v0=f6a9f54aaf2141686078103af15276051687d6c9baca5dab00352f6730003543";

    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c");

    private static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeSeconds(1531420618);

    [Fact]
    public void Compute_MatchesOfficialVector() =>
        Assert.Equal(Signature, SlackSignature.Compute(Secret, Timestamp, Body));

    [Fact]
    public void Compute_MatchesOfficialVector_ForSecretWithLastCharDropped() =>
        Assert.Equal(SignatureWithShortSecret, SlackSignature.Compute(Secret[..^1], Timestamp, Body));

    [Fact]
    public void Verify_AcceptsOfficialVector() =>
        Assert.Equal(SlackSignatureResult.Valid, SlackSignature.Verify(Secret, Timestamp, Signature, Body, SignedAt));

    [Fact]
    public void Verify_Rejects_WhenSecretDiffersByOneCharacter()
    {
        Assert.Equal(SlackSignatureResult.SignatureMismatch, SlackSignature.Verify(Secret[..^1], Timestamp, Signature, Body, SignedAt));
        Assert.Equal(SlackSignatureResult.SignatureMismatch, SlackSignature.Verify(Secret, Timestamp, SignatureWithShortSecret, Body, SignedAt));
    }

    [Fact]
    public void Verify_GivesTheSameAnswers_WhenRepeated_AndAcrossSecrets()
    {
        // The keyed HMAC is reused per thread: each answer must depend only on its own inputs.
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Body) + "&x=1");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(SlackSignatureResult.Valid, SlackSignature.Verify(Secret, Timestamp, Signature, Body, SignedAt));
            Assert.Equal(SlackSignatureResult.SignatureMismatch, SlackSignature.Verify(Secret, Timestamp, Signature, tampered, SignedAt));
            Assert.Equal(SlackSignatureResult.Valid, SlackSignature.Verify(Secret[..^1], Timestamp, SignatureWithShortSecret, Body, SignedAt));
            Assert.Equal(Signature, SlackSignature.Compute(Secret, Timestamp, Body));
        }
    }

    [Fact]
    public void Verify_Rejects_WhenBodyIsTampered()
    {
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Body).Replace("text=", "text=ami", StringComparison.Ordinal));
        Assert.Equal(SlackSignatureResult.SignatureMismatch, SlackSignature.Verify(Secret, Timestamp, Signature, tampered, SignedAt));
    }

    [Theory]
    [InlineData(300, SlackSignatureResult.Valid)]
    [InlineData(-300, SlackSignatureResult.Valid)]
    [InlineData(301, SlackSignatureResult.StaleTimestamp)]
    [InlineData(-301, SlackSignatureResult.StaleTimestamp)]
    [InlineData(86400, SlackSignatureResult.StaleTimestamp)]
    public void Verify_ChecksTimestampAge(int secondsFromSigning, SlackSignatureResult expected) =>
        Assert.Equal(expected, SlackSignature.Verify(Secret, Timestamp, Signature, Body, SignedAt.AddSeconds(secondsFromSigning)));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Verify_Rejects_WhenNoSecretIsConfigured(string? secret) =>
        Assert.Equal(SlackSignatureResult.NoSigningSecret, SlackSignature.Verify(secret, Timestamp, Signature, Body, SignedAt));

    [Theory]
    [InlineData(null, Signature, SlackSignatureResult.MissingTimestamp)]
    [InlineData("", Signature, SlackSignatureResult.MissingTimestamp)]
    [InlineData("yesterday", Signature, SlackSignatureResult.InvalidTimestamp)]
    [InlineData("+1531420618", Signature, SlackSignatureResult.InvalidTimestamp)]
    [InlineData(" 1531420618", Signature, SlackSignatureResult.InvalidTimestamp)]
    [InlineData("1531420618.5", Signature, SlackSignatureResult.InvalidTimestamp)]
    [InlineData("99999999999999999999", Signature, SlackSignatureResult.InvalidTimestamp)]
    [InlineData(Timestamp, null, SlackSignatureResult.MissingSignature)]
    [InlineData(Timestamp, "", SlackSignatureResult.MissingSignature)]
    [InlineData(Timestamp, "a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", SlackSignatureResult.MalformedSignature)]
    [InlineData(Timestamp, "v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", SlackSignatureResult.UnsupportedVersion)]
    [InlineData(Timestamp, "v0=a2114d57", SlackSignatureResult.MalformedSignature)]
    [InlineData(Timestamp, "v0=zz114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", SlackSignatureResult.MalformedSignature)]
    [InlineData(Timestamp, "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b5030", SlackSignatureResult.MalformedSignature)]
    public void Verify_RejectsMissingOrGarbledHeaders(string? timestamp, string? signature, SlackSignatureResult expected) =>
        Assert.Equal(expected, SlackSignature.Verify(Secret, timestamp, signature, Body, SignedAt));

    [Fact]
    public void Verify_AcceptsUppercaseHex_BecauseItComparesBytes() =>
        Assert.Equal(SlackSignatureResult.Valid, SlackSignature.Verify(Secret, Timestamp, "v0=" + Signature[3..].ToUpperInvariant(), Body, SignedAt));
}
