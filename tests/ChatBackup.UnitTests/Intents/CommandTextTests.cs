using ChatBackup.Core.Intents.CreateAmi;
using ChatBackup.Core.Intents.CreateSnapshot;
using ChatBackup.Core.Intents.Parsing;
using ChatBackup.Core.Intents.RestoreSnapshot;

using static ChatBackup.UnitTests.Intents.ParserAssert;

namespace ChatBackup.UnitTests.Intents;

/// <summary>What chat clients do to the text: typographic quotes and dashes, non-breaking spaces, the "backup" word.</summary>
public sealed class CommandTextTests
{
    [Theory]
    [InlineData("ami web-01 --name “before upgrade”")]
    [InlineData("ami web-01 --name „before upgrade“")]
    [InlineData("ami web-01 --name ‘before upgrade’")]
    [InlineData("ami web-01 --name 'before upgrade'")]
    [InlineData("ami web-01 --name \"before upgrade\"")]
    [InlineData("ami web-01 --name “before upgrade“")]
    public void Ami_WithCurlyQuotedName_KeepsSpaces(string text) =>
        Assert.Equal("before upgrade", Parses<CreateAmiIntent>(text).Name);

    [Fact]
    public void Ami_WithSingleQuotedNameHoldingAnApostrophe_KeepsTheApostrophe() =>
        Assert.Equal("bob's box", Parses<CreateAmiIntent>("ami web-01 --name 'bob's box'").Name);

    [Fact]
    public void Snapshot_WithCurlyQuotedDescriptionHoldingCurlyApostrophe_KeepsIt() =>
        Assert.Equal("Bob’s pre-upgrade copy", Parses<CreateSnapshotIntent>($"snapshot {Volume} --description ‘Bob’s pre-upgrade copy’").Description);

    [Fact]
    public void Ami_WithEmptyQuotedName_SaysTheOptionNeedsAValue() =>
        Fails("ami web-01 --name \"\"", "--name", Usage.Ami);

    [Theory]
    [InlineData("ami web-01 --name \"before upgrade", "\"before upgrade")]
    [InlineData("ami web-01 --name “before upgrade", "“before upgrade")]
    [InlineData("ami web-01 --name 'before", "'before")]
    [InlineData("ami \"web-01 --no-reboot", "\"web-01 --no-reboot")]
    public void Ami_WithUnterminatedQuote_IsAnErrorNamingTheQuotedText(string text, string mentions)
    {
        var error = Fails(text, "never closed", Usage.Ami);

        Assert.Contains(mentions, error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void UnterminatedQuote_InTheVerb_IsAnErrorWithoutUsage() =>
        Fails("\"ami web-01", "never closed", null);

    [Fact]
    public void UnterminatedQuote_AfterList_ShowsBothListLines() =>
        Fails("list \"amis", "never closed", Usage.List);

    [Fact]
    public void QuotedOptionName_IsAValueNotAnOption()
    {
        // Quoting is how a user says "this is a value", so "--no-reboot" here is an extra word.
        Fails("ami web-01 \"--no-reboot\"", "'--no-reboot'", Usage.Ami);
    }

    [Theory]
    [InlineData("ami web-01 —no-reboot —region eu-west-1")]
    [InlineData("ami web-01 –no-reboot –region eu-west-1")]
    [InlineData("ami web-01 —no-reboot —region=eu-west-1")]
    public void Ami_WithTypographicDashes_ReadsThemAsDoubleHyphen(string text)
    {
        var intent = Parses<CreateAmiIntent>(text);

        Assert.True(intent.NoReboot);
        Assert.Equal("eu-west-1", intent.TargetRegion);
    }

    [Theory]
    [InlineData("backup ami web-01")]
    [InlineData("/backup ami web-01")]
    [InlineData("Backup ami web-01")]
    [InlineData("  /backup   ami   web-01  ")]
    public void LeadingBackupWord_IsIgnored(string text) =>
        Assert.Equal("web-01", Parses<CreateAmiIntent>(text).Instance.Value);

    [Fact]
    public void LeadingBackupWord_IsIgnoredOnlyOnce() =>
        Fails("backup backup ami web-01", "'backup'", null);

    [Fact]
    public void NonBreakingSpaces_SeparateWords()
    {
        var intent = Parses<CreateAmiIntent>("ami\u00A0web-01\u00A0--no-reboot\u202F--region\tus-east-1\r\n");

        Assert.Equal(new CreateAmiIntent(new("web-01"), NoReboot: true, TargetRegion: "us-east-1"), intent);
    }

    [Fact]
    public void NonBreakingSpaceInsideQuotes_BecomesASpace() =>
        Assert.Equal("before upgrade", Parses<CreateAmiIntent>("ami web-01 --name \"before\u00A0upgrade\"").Name);

    [Fact]
    public void ZeroWidthSpaces_FromCopyPaste_AreIgnored() =>
        Assert.Equal(Instance, Parses<CreateAmiIntent>($"ami \u200B{Instance[..5]}\u200B{Instance[5..]}\uFEFF").Instance.Value);

    [Fact]
    public void Restore_WithTypographicQuotesAndDashesEverywhere_Parses()
    {
        var intent = Parses<RestoreSnapshotIntent>($"/backup restore {Snapshot} —instance “web server 01” —type=io2 —iops 5000");

        Assert.Equal("web server 01", intent.Instance.Value);
        Assert.Equal(5000, intent.Iops);
    }
}
