using ChatBackup.Core.Intents.CreateAmi;
using ChatBackup.Core.Intents.Parsing;

using static ChatBackup.UnitTests.Intents.ParserAssert;

namespace ChatBackup.UnitTests.Intents;

/// <summary>Every rejected command names the offending word or option and shows the verb's usage line.</summary>
public sealed class CommandParserErrorTests
{
    private static readonly CommandParser UsEastAndWestOnly = new(new ParserSettings(new HashSet<string> { "us-west-2", "us-east-1" }));

    [Theory]
    [InlineData("foo", "'foo'")]
    [InlineData("amis web-01", "'amis'")]
    [InlineData("--region us-east-1", "'--region'")]
    [InlineData("backup frobnicate", "'frobnicate'")]
    public void UnknownVerb_IsNamed_AndLeavesUsageToHelp(string text, string mentions)
    {
        var error = Fails(text, mentions, usage: null);

        Assert.StartsWith("Unknown command", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownVerb_LongInput_IsShortenedInTheProblem() =>
        Assert.True(Fails(new string('x', 5000)).Problem.Length < 100);

    [Fact]
    public void UnknownVerb_ShortenedInTheProblem_NeverSplitsAnEmoji()
    {
        var problem = Fails(new string('x', 39) + "🙂🙂").Problem;

        Assert.DoesNotContain(problem, c => char.IsSurrogate(c));
    }

    [Theory]
    [InlineData("ami", "ami needs an <instance>.", Usage.Ami)]
    [InlineData("ami --no-reboot", "ami needs an <instance>.", Usage.Ami)]
    [InlineData("snapshot", "snapshot needs a <volume>.", Usage.Snapshot)]
    [InlineData("copy --to us-west-2", "copy needs an <ami-id>.", Usage.Copy)]
    [InlineData("restore --instance web-01", "restore needs a <snapshot-id>.", Usage.Restore)]
    [InlineData("delete ami", "delete ami needs an <ami-id>.", Usage.DeleteAmi)]
    [InlineData("delete snapshot --region us-east-1", "delete snapshot needs a <snapshot-id>.", Usage.DeleteSnapshot)]
    [InlineData("cancel", "cancel needs an <operation-id>.", Usage.Cancel)]
    public void MissingPositional_IsNamed(string text, string problem, string usage) =>
        Assert.Equal(problem, Fails(text, problem, usage).Problem);

    [Theory]
    [InlineData("ami web-01 web-02", "'web-02'", Usage.Ami)]
    [InlineData("ami web 01 --no-reboot", "'01'", Usage.Ami)]
    [InlineData("snapshot vol-0123456789abcdef0 now", "'now'", Usage.Snapshot)]
    [InlineData("list amis web-01", "'web-01'", Usage.ListAmis)]
    [InlineData("status op-abcd2345 op-abcd2346", "'op-abcd2346'", Usage.Status)]
    [InlineData("cancel op-abcd2345 please", "'please'", Usage.Cancel)]
    [InlineData("delete ami ami-0123456789abcdef0 --keep-snapshots yes", "'yes'", Usage.DeleteAmi)]
    public void ExtraWords_AreNamed(string text, string mentions, string usage) =>
        Fails(text, mentions, usage);

    [Fact]
    public void ExtraWords_AreAllNamed()
    {
        var error = Fails("ami web server 01", "'server'", Usage.Ami);

        Assert.Contains("'01'", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ami web-01 --foo", "--foo", Usage.Ami)]
    [InlineData("ami web-01 --Name nightly", "--Name", Usage.Ami)]
    [InlineData("ami web-01 --description x", "--description", Usage.Ami)]
    [InlineData("snapshot vol-0123456789abcdef0 --name x", "--name", Usage.Snapshot)]
    [InlineData("list amis --volume vol-0123456789abcdef0", "--volume", Usage.ListAmis)]
    [InlineData("status --region us-east-1", "--region", Usage.Status)]
    [InlineData("ami web-01 —reboot", "--reboot", Usage.Ami)]
    [InlineData("ami web-01 -name x", "-name", Usage.Ami)]
    public void UnknownOption_IsNamed(string text, string option, string usage) =>
        Fails(text, option, usage);

    [Fact]
    public void UnknownOption_NamesTheCommand() =>
        Assert.Equal("Unknown option --foo for ami.", Fails("ami web-01 --foo").Problem);

    [Theory]
    [InlineData("ami web-01 --region us-east-1 --region us-west-2", "--region", Usage.Ami)]
    [InlineData("ami web-01 --no-reboot --no-reboot", "--no-reboot", Usage.Ami)]
    [InlineData("ami web-01 --name a1b --name=c2d", "--name", Usage.Ami)]
    [InlineData("delete ami ami-0123456789abcdef0 --keep-snapshots —keep-snapshots", "--keep-snapshots", Usage.DeleteAmi)]
    public void OptionGivenTwice_IsNamed(string text, string option, string usage) =>
        Assert.Contains("twice", Fails(text, option, usage).Problem, StringComparison.Ordinal);

    [Theory]
    [InlineData("ami web-01 --no-reboot=yes", "--no-reboot", Usage.Ami)]
    [InlineData("copy ami-0123456789abcdef0 --to us-west-2 --encrypted=true", "--encrypted", Usage.Copy)]
    [InlineData("delete ami ami-0123456789abcdef0 --keep-snapshots=", "--keep-snapshots", Usage.DeleteAmi)]
    public void FlagGivenAValue_IsNamed(string text, string option, string usage) =>
        Assert.Contains("no value", Fails(text, option, usage).Problem, StringComparison.Ordinal);

    [Theory]
    [InlineData("ami web-01 --name", "--name", Usage.Ami)]
    [InlineData("ami web-01 --name --no-reboot", "--name", Usage.Ami)]
    [InlineData("ami web-01 --region=", "--region", Usage.Ami)]
    [InlineData("ami web-01 --region —no-reboot", "--region", Usage.Ami)]
    [InlineData("restore snap-0123456789abcdef0 --instance", "--instance", Usage.Restore)]
    [InlineData("list amis --limit", "--limit", Usage.ListAmis)]
    public void OptionMissingItsValue_IsNamed(string text, string option, string usage) =>
        Assert.Contains("needs a value", Fails(text, option, usage).Problem, StringComparison.Ordinal);

    [Theory]
    [InlineData("list")]
    [InlineData("list --region us-east-1")]
    public void List_WithoutSubWord_ShowsBothListLines(string text) =>
        Fails(text, "amis or snapshots", Usage.List);

    [Fact]
    public void List_WithUnknownSubWord_NamesItAndShowsBothListLines() =>
        Fails("list volumes", "'volumes'", Usage.List);

    [Fact]
    public void Delete_WithoutSubWord_ShowsBothDeleteLines() =>
        Fails("delete", "ami or snapshot", Usage.Delete);

    [Fact]
    public void Delete_WithUnknownSubWord_NamesItAndShowsBothDeleteLines() =>
        Fails("delete volume vol-0123456789abcdef0", "'volume'", Usage.Delete);

    [Theory]
    [InlineData("ami i-xyz")]
    [InlineData("ami i-1234567")]
    [InlineData("ami i-123456789")]
    [InlineData("ami i-0123456789abcdef")]
    [InlineData("ami i-0123456789abcdefg")]
    public void Ami_WithMalformedInstanceId_IsRejected(string text)
    {
        var value = text["ami ".Length..];
        var error = Fails(text, $"'{value}' is not a valid instance id (i- followed by 8 or 17 hex digits).", Usage.Ami);

        Assert.Equal($"'{value}' is not a valid instance id (i- followed by 8 or 17 hex digits).", error.Problem);
    }

    [Fact]
    public void Ami_WithUppercaseInstanceId_IsRejectedNotLowerCased()
    {
        // Decision: EC2 ids are lowercase; an uppercase id is refused with the lowercase form shown, never silently changed.
        var error = Fails("ami I-0123456789ABCDEF0", "'I-0123456789ABCDEF0'", Usage.Ami);

        Assert.Contains("lowercase ('i-0123456789abcdef0')", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Ami_WithQuotedNameTagStartingWithDash_IsAMisplacedOption() =>
        Fails("ami \"-web\"", "'-web'", Usage.Ami);

    [Fact]
    public void Restore_WithInstanceStartingWithDash_IsAMisplacedOption() =>
        Fails($"restore {Snapshot} --instance -web", "'-web'", Usage.Restore);

    [Fact]
    public void Ami_WithNameTagLongerThan256_IsRejected() =>
        Fails($"ami {new string('w', 257)}", "256", Usage.Ami);

    [Theory]
    [InlineData("snapshot vol-123", "'vol-123'", Usage.Snapshot)]
    [InlineData("snapshot i-0123456789abcdef0", "'i-0123456789abcdef0'", Usage.Snapshot)]
    [InlineData("snapshot VOL-0123456789ABCDEF0", "'VOL-0123456789ABCDEF0'", Usage.Snapshot)]
    [InlineData("copy ami-12 --to us-west-2", "'ami-12'", Usage.Copy)]
    [InlineData("copy snap-0123456789abcdef0 --to us-west-2", "'snap-0123456789abcdef0'", Usage.Copy)]
    [InlineData("restore ami-0123456789abcdef0 --instance web-01", "'ami-0123456789abcdef0'", Usage.Restore)]
    [InlineData("delete ami AMI-0123456789ABCDEF0", "'AMI-0123456789ABCDEF0'", Usage.DeleteAmi)]
    [InlineData("delete snapshot snap-xyz", "'snap-xyz'", Usage.DeleteSnapshot)]
    [InlineData("list snapshots --volume vol-1", "'vol-1'", Usage.ListSnapshots)]
    [InlineData("list amis --instance i-1", "'i-1'", Usage.ListAmis)]
    [InlineData("status op-1", "'op-1'", Usage.Status)]
    [InlineData("status op-abcd2341", "'op-abcd2341'", Usage.Status)]
    [InlineData("cancel OP-ABCD2345", "'OP-ABCD2345'", Usage.Cancel)]
    [InlineData("cancel web-01", "'web-01'", Usage.Cancel)]
    public void MalformedId_IsNamed(string text, string mentions, string usage) =>
        Fails(text, mentions, usage);

    [Fact]
    public void UppercaseVolumeId_IsRejected_WithALowercaseHint() =>
        Assert.Contains("lowercase", Fails("snapshot VOL-0123456789ABCDEF0").Problem, StringComparison.Ordinal);

    [Theory]
    [InlineData("ami web-01 --region us-east-9", Usage.Ami)]
    [InlineData("ami web-01 --copy-to us-east-9", Usage.Ami)]
    [InlineData("copy ami-0123456789abcdef0 --to us-east-9", Usage.Copy)]
    [InlineData("copy ami-0123456789abcdef0 --to us-west-2 --region us-east-9", Usage.Copy)]
    [InlineData("snapshot vol-0123456789abcdef0 --region us-east-9", Usage.Snapshot)]
    [InlineData("restore snap-0123456789abcdef0 --instance web-01 --region us-east-9", Usage.Restore)]
    [InlineData("list amis --region us-east-9", Usage.ListAmis)]
    [InlineData("list snapshots --region us-east-9", Usage.ListSnapshots)]
    [InlineData("delete ami ami-0123456789abcdef0 --region us-east-9", Usage.DeleteAmi)]
    [InlineData("delete snapshot snap-0123456789abcdef0 --region us-east-9", Usage.DeleteSnapshot)]
    public void UnknownRegion_IsRejected(string text, string usage) =>
        Assert.Equal("Unknown region 'us-east-9'.", Fails(text, "'us-east-9'", usage).Problem);

    [Fact]
    public void UppercaseRegion_IsRejected_WithTheLowercaseSuggested() =>
        Fails("ami web-01 --region US-EAST-1", "Did you mean 'us-east-1'?", Usage.Ami);

    [Theory]
    [InlineData("ami web-01 --region eu-west-1", Usage.Ami)]
    [InlineData("ami web-01 --region us-east-1 --copy-to eu-west-1", Usage.Ami)]
    [InlineData("copy ami-0123456789abcdef0 --to eu-west-1", Usage.Copy)]
    [InlineData("copy ami-0123456789abcdef0 --to us-west-2 --region eu-west-1", Usage.Copy)]
    [InlineData("list amis --region eu-west-1", Usage.ListAmis)]
    public void RegionOutsideAllowedList_IsRejected_AndTheAllowedOnesListed(string text, string usage) =>
        Assert.Equal(
            "Region 'eu-west-1' is not allowed here; allowed: us-east-1, us-west-2.",
            Fails(text, "'eu-west-1'", usage, UsEastAndWestOnly).Problem);

    [Fact]
    public void RegionInsideAllowedList_IsAccepted() =>
        Assert.Equal("us-west-2", Parses<CreateAmiIntent>("ami web-01 --region us-west-2 --copy-to us-east-1", UsEastAndWestOnly).TargetRegion);

    [Fact]
    public void EmptyAllowedList_AllowsEveryKnownRegion() =>
        Parses<CreateAmiIntent>("ami web-01 --region me-central-1", new CommandParser(new ParserSettings(new HashSet<string>())));

    [Fact]
    public void UnknownRegion_IsReportedAsUnknown_EvenWhenAllowedListIsSet() =>
        Fails("ami web-01 --region mars-north-1", "Unknown region 'mars-north-1'", Usage.Ami, UsEastAndWestOnly);

    [Fact]
    public void Ami_CopyToItsOwnRegion_IsRejected() =>
        Fails("ami web-01 --region eu-west-1 --copy-to eu-west-1", "--copy-to eu-west-1", Usage.Ami);

    [Fact]
    public void Copy_ToItsSourceRegion_IsRejected() =>
        Fails($"copy {Image} --to eu-west-1 --region eu-west-1", "--to eu-west-1", Usage.Copy);

    [Fact]
    public void Copy_WithoutTo_IsRejected() =>
        Assert.Equal("copy needs --to <region>.", Fails($"copy {Image} --region us-east-1", "--to", Usage.Copy).Problem);

    [Theory]
    [InlineData("ab")]
    [InlineData("name*with*stars")]
    [InlineData("emoji🙂name")]
    [InlineData("tab\tname")]
    public void Ami_WithNameBreakingEc2Rules_NamesTheRule(string name)
    {
        var error = Fails($"ami web-01 --name \"{name}\"", $"'{name}'", Usage.Ami);

        Assert.Contains("3-128 characters", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Ami_WithNameOf129Characters_IsRejected() =>
        Fails($"ami web-01 --name {new string('a', 129)}", "3-128 characters", Usage.Ami);

    [Fact]
    public void Ami_WithNameUsingEveryAllowedCharacter_IsAccepted() =>
        Assert.Equal("Web (01) [x] ./-'@_", Parses<CreateAmiIntent>("ami web-01 --name \"Web (01) [x] ./-'@_\"").Name);

    [Fact]
    public void Copy_WithNameBreakingEc2Rules_IsRejected() =>
        Fails($"copy {Image} --to us-west-2 --name a#b", "'a#b'", Usage.Copy);

    [Fact]
    public void Snapshot_WithDescriptionOver255Characters_IsRejected() =>
        Fails($"snapshot {Volume} --description {new string('d', 256)}", "--description", Usage.Snapshot);

    [Fact]
    public void Copy_WithKmsKeyButNotEncrypted_IsRejected() =>
        Fails($"copy {Image} --to us-west-2 --kms-key alias/dr", "--kms-key needs --encrypted", Usage.Copy);

    [Theory]
    [InlineData("my-key")]
    [InlineData("alias/")]
    [InlineData("arn:aws:s3:::bucket")]
    [InlineData("1234abcd-12ab-34cd-56ef")]
    public void Copy_WithMalformedKmsKey_IsRejected(string key) =>
        Fails($"copy {Image} --to us-west-2 --encrypted --kms-key {key}", $"'{key}'", Usage.Copy);

    [Fact]
    public void Restore_WithoutInstance_IsRejected() =>
        Assert.Equal("restore needs --instance <instance>.", Fails($"restore {Snapshot}", "--instance", Usage.Restore).Problem);

    [Theory]
    [InlineData("/dev/sda")]
    [InlineData("/dev/xvda")]
    [InlineData("/dev/sdf1")]
    [InlineData("sdf")]
    [InlineData("/dev/nvme1n1")]
    public void Restore_WithDeviceOutsideSdbToSdz_IsRejected(string device) =>
        Fails($"restore {Snapshot} --instance web-01 --device {device}", $"'{device}'", Usage.Restore);

    [Theory]
    [InlineData("gp4")]
    [InlineData("GP3")]
    [InlineData("magnetic")]
    public void Restore_WithUnknownVolumeType_ListsTheTypes(string type)
    {
        var error = Fails($"restore {Snapshot} --instance web-01 --type {type}", $"'{type}'", Usage.Restore);

        Assert.Contains("gp3, gp2, io1, io2, st1, sc1, standard", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65537")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("10GiB")]
    [InlineData("99999999999999")]
    [InlineData("١٠")]
    public void Restore_WithSizeOutside1To65536_IsRejected(string size) =>
        Fails($"restore {Snapshot} --instance web-01 --size {size}", $"--size '{size}'", Usage.Restore);

    [Theory]
    [InlineData("gp2")]
    [InlineData("st1")]
    [InlineData("standard")]
    public void Restore_WithIopsOnTypeWithoutProvisionedIops_IsRejected(string type) =>
        Fails($"restore {Snapshot} --instance web-01 --type {type} --iops 3000", $"--iops does not apply to --type {type}", Usage.Restore);

    [Fact]
    public void Restore_WithIopsButNoType_IsRejected() =>
        Fails($"restore {Snapshot} --instance web-01 --iops 3000", "--iops needs --type", Usage.Restore);

    [Theory]
    [InlineData("io1")]
    [InlineData("io2")]
    public void Restore_WithProvisionedIopsTypeButNoIops_IsRejected(string type) =>
        Fails($"restore {Snapshot} --instance web-01 --type {type}", $"--type {type} needs --iops", Usage.Restore);

    [Theory]
    [InlineData("gp3", 2999)]
    [InlineData("gp3", 80001)]
    [InlineData("io1", 99)]
    [InlineData("io1", 64001)]
    [InlineData("io2", 256001)]
    public void Restore_WithIopsOutsideTheTypesRange_IsRejected(string type, int iops) =>
        Fails($"restore {Snapshot} --instance web-01 --type {type} --iops {iops}", $"--iops {iops} is out of range for {type}", Usage.Restore);

    [Theory]
    [InlineData("0")]
    [InlineData("many")]
    public void Restore_WithIopsNotAPositiveNumber_IsRejected(string iops) =>
        Fails($"restore {Snapshot} --instance web-01 --type io2 --iops {iops}", $"--iops '{iops}'", Usage.Restore);

    [Fact]
    public void Restore_WithThroughputButNoType_IsRejected() =>
        Fails($"restore {Snapshot} --instance web-01 --throughput 500", "--throughput needs --type gp3", Usage.Restore);

    [Fact]
    public void Restore_WithThroughputOnNonGp3_IsRejected() =>
        Fails($"restore {Snapshot} --instance web-01 --type io2 --iops 1000 --throughput 500", "--throughput does not apply to --type io2", Usage.Restore);

    [Theory]
    [InlineData(124)]
    [InlineData(2001)]
    public void Restore_WithGp3ThroughputOutside125To2000_IsRejected(int throughput) =>
        Fails($"restore {Snapshot} --instance web-01 --type gp3 --throughput {throughput}", $"--throughput {throughput}", Usage.Restore);

    [Theory]
    [InlineData("list amis --limit 0", Usage.ListAmis)]
    [InlineData("list amis --limit 101", Usage.ListAmis)]
    [InlineData("list snapshots --limit ten", Usage.ListSnapshots)]
    [InlineData("list snapshots --limit -1", Usage.ListSnapshots)]
    public void List_WithLimitOutside1To100_IsRejected(string text, string usage) =>
        Fails(text, "--limit", usage);
}
