using ChatBackup.Core.Intents;
using ChatBackup.Core.Intents.Cancel;
using ChatBackup.Core.Intents.CopyAmi;
using ChatBackup.Core.Intents.CreateAmi;
using ChatBackup.Core.Intents.CreateSnapshot;
using ChatBackup.Core.Intents.DeleteAmi;
using ChatBackup.Core.Intents.DeleteSnapshot;
using ChatBackup.Core.Intents.Help;
using ChatBackup.Core.Intents.ListBackups;
using ChatBackup.Core.Intents.RestoreSnapshot;
using ChatBackup.Core.Intents.Status;

using static ChatBackup.UnitTests.Intents.ParserAssert;

namespace ChatBackup.UnitTests.Intents;

/// <summary>Every verb's happy path, with and without its options.</summary>
public sealed class CommandParserTests
{
    [Theory]
    [InlineData("help")]
    [InlineData("HELP")]
    [InlineData("help ami")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("/backup")]
    [InlineData("backup")]
    public void Help_IsReturned_ForHelpEmptyOrBareBackupWord(string text) =>
        Parses<HelpIntent>(text);

    [Fact]
    public void Help_IsReturned_ForNull() =>
        Assert.IsType<HelpIntent>(AnyRegion.Parse(null).Intent);

    [Fact]
    public void Ami_WithInstanceIdOnly_UsesDefaults()
    {
        var intent = Parses<CreateAmiIntent>($"ami {Instance}");

        Assert.Equal(new CreateAmiIntent(new InstanceRef(Instance)), intent);
        Assert.True(intent.Instance.IsId);
        Assert.Null(intent.Region);
    }

    [Fact]
    public void Ami_WithShortInstanceId_IsAnId() =>
        Assert.True(Parses<CreateAmiIntent>("ami i-1234abcd").Instance.IsId);

    [Fact]
    public void Ami_WithNameTag_IsAnInstanceName()
    {
        var intent = Parses<CreateAmiIntent>("ami web-01");

        Assert.Equal("web-01", intent.Instance.Value);
        Assert.False(intent.Instance.IsId);
    }

    [Fact]
    public void Ami_WithAllOptions_MapsEveryOption()
    {
        var intent = Parses<CreateAmiIntent>("ami web-01 --name \"web 01 (before upgrade)\" --no-reboot --region eu-west-1 --copy-to eu-central-1");

        Assert.Equal(new CreateAmiIntent(new InstanceRef("web-01"), "web 01 (before upgrade)", NoReboot: true, "eu-west-1", "eu-central-1"), intent);
        Assert.Equal("eu-west-1", intent.Region);
    }

    [Fact]
    public void Ami_WithOptionsBeforeTheInstance_ParsesTheSame() =>
        Assert.Equal(
            Parses<CreateAmiIntent>("ami web-01 --no-reboot --region us-east-1"),
            Parses<CreateAmiIntent>("ami --region us-east-1 --no-reboot web-01"));

    [Fact]
    public void Ami_WithEqualsForm_ReadsTheValue()
    {
        var intent = Parses<CreateAmiIntent>("ami web-01 --name=nightly --region=us-west-2");

        Assert.Equal("nightly", intent.Name);
        Assert.Equal("us-west-2", intent.TargetRegion);
    }

    [Fact]
    public void Ami_WithEqualsAndQuotedValue_KeepsSpaces() =>
        Assert.Equal("before upgrade", Parses<CreateAmiIntent>("ami web-01 --name=\"before upgrade\"").Name);

    [Fact]
    public void Ami_WithQuotedNameTagInstance_KeepsSpaces() =>
        Assert.Equal("web server 01", Parses<CreateAmiIntent>("ami \"web server 01\"").Instance.Value);

    [Fact]
    public void Ami_WithNameTagContainingApostrophe_KeepsIt() =>
        Assert.Equal("bob's-box", Parses<CreateAmiIntent>("ami bob's-box").Instance.Value);

    [Fact]
    public void Ami_WithUppercaseNameTagStartingWithI_IsANameNotAnId() =>
        Assert.Equal("I-Web", Parses<CreateAmiIntent>("ami I-Web").Instance.Value);

    [Fact]
    public void Snapshot_WithVolumeOnly_UsesDefaults() =>
        Assert.Equal(new CreateSnapshotIntent(Volume), Parses<CreateSnapshotIntent>($"snapshot {Volume}"));

    [Fact]
    public void Snapshot_WithAllOptions_MapsEveryOption() =>
        Assert.Equal(
            new CreateSnapshotIntent(Volume, "before the kernel upgrade", "ap-south-1"),
            Parses<CreateSnapshotIntent>($"snapshot {Volume} --description \"before the kernel upgrade\" --region ap-south-1"));

    [Fact]
    public void Snapshot_WithDescriptionOf255Characters_IsAccepted() =>
        Assert.Equal(255, Parses<CreateSnapshotIntent>($"snapshot {Volume} --description {new string('x', 255)}").Description!.Length);

    [Fact]
    public void Copy_WithTargetRegionOnly_UsesDefaults() =>
        Assert.Equal(new CopyAmiIntent(Image, "us-west-2"), Parses<CopyAmiIntent>($"copy {Image} --to us-west-2"));

    [Fact]
    public void Copy_WithAllOptions_MapsEveryOption() =>
        Assert.Equal(
            new CopyAmiIntent(Image, "eu-west-1", "web DR copy", Encrypted: true, "alias/dr-key", "us-east-1"),
            Parses<CopyAmiIntent>($"copy {Image} --to eu-west-1 --name \"web DR copy\" --encrypted --kms-key alias/dr-key --region us-east-1"));

    [Theory]
    [InlineData("1234abcd-12ab-34cd-56ef-1234567890ab")]
    [InlineData("mrk-1234abcd12ab34cd56ef1234567890ab")]
    [InlineData("alias/aws/ebs")]
    [InlineData("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")]
    [InlineData("arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/dr")]
    public void Copy_WithKmsKeyInAnyForm_IsAccepted(string key) =>
        Assert.Equal(key, Parses<CopyAmiIntent>($"copy {Image} --to eu-west-1 --encrypted --kms-key {key}").KmsKeyId);

    [Fact]
    public void Copy_WithEncryptedAndNoKey_UsesTheDefaultKey()
    {
        var intent = Parses<CopyAmiIntent>($"copy {Image} --to eu-west-1 --encrypted");

        Assert.True(intent.Encrypted);
        Assert.Null(intent.KmsKeyId);
    }

    [Fact]
    public void Restore_WithInstanceOnly_UsesDefaults() =>
        Assert.Equal(
            new RestoreSnapshotIntent(Snapshot, new InstanceRef("web-01")),
            Parses<RestoreSnapshotIntent>($"restore {Snapshot} --instance web-01"));

    [Fact]
    public void Restore_WithAllOptions_MapsEveryOption() =>
        Assert.Equal(
            new RestoreSnapshotIntent(Snapshot, new InstanceRef(Instance), "/dev/sdf", VolumeType.Gp3, 500, 6000, 250, "eu-west-1"),
            Parses<RestoreSnapshotIntent>(
                $"restore {Snapshot} --instance {Instance} --device /dev/sdf --type gp3 --size 500 --iops 6000 --throughput 250 --region eu-west-1"));

    [Theory]
    [InlineData("io1", 100, VolumeType.Io1)]
    [InlineData("io1", 64000, VolumeType.Io1)]
    [InlineData("io2", 256000, VolumeType.Io2)]
    [InlineData("gp3", 3000, VolumeType.Gp3)]
    [InlineData("gp3", 80000, VolumeType.Gp3)]
    public void Restore_WithIopsAtTheEdgeOfTheTypesRange_IsAccepted(string type, int iops, VolumeType expected)
    {
        var intent = Parses<RestoreSnapshotIntent>($"restore {Snapshot} --instance web-01 --type {type} --iops {iops}");

        Assert.Equal(expected, intent.VolumeType);
        Assert.Equal(iops, intent.Iops);
    }

    [Theory]
    [InlineData("gp2")]
    [InlineData("st1")]
    [InlineData("sc1")]
    [InlineData("standard")]
    public void Restore_WithTypeThatTakesNoIops_IsAccepted(string type) =>
        Assert.Equal(type, Parses<RestoreSnapshotIntent>($"restore {Snapshot} --instance web-01 --type {type}").VolumeType!.Value.ToEc2Name());

    [Theory]
    [InlineData("/dev/sdb")]
    [InlineData("/dev/sdf")]
    [InlineData("/dev/sdp")]
    [InlineData("/dev/sdz")]
    [InlineData("/dev/xvdf")]
    public void Restore_WithDataDeviceSdbToSdz_IsAccepted(string device) =>
        Assert.Equal(device, Parses<RestoreSnapshotIntent>($"restore {Snapshot} --instance web-01 --device {device}").Device);

    [Theory]
    [InlineData("1")]
    [InlineData("65536")]
    public void Restore_WithSizeAtTheLimits_IsAccepted(string size) =>
        Assert.Equal(int.Parse(size, System.Globalization.CultureInfo.InvariantCulture), Parses<RestoreSnapshotIntent>($"restore {Snapshot} --instance web-01 --size {size}").SizeGiB);

    [Theory]
    [InlineData("125")]
    [InlineData("2000")]
    public void Restore_WithGp3ThroughputAtTheLimits_IsAccepted(string throughput) =>
        Assert.NotNull(Parses<RestoreSnapshotIntent>($"restore {Snapshot} --instance web-01 --type gp3 --throughput {throughput}").ThroughputMiBps);

    [Fact]
    public void ListAmis_WithNoOptions_UsesDefaultLimit() =>
        Assert.Equal(new ListAmisIntent(null, null, ListLimits.Default), Parses<ListAmisIntent>("list amis"));

    [Fact]
    public void ListAmis_WithAllOptions_MapsEveryOption() =>
        Assert.Equal(
            new ListAmisIntent(new InstanceRef("web-01"), "us-east-2", 5),
            Parses<ListAmisIntent>("list amis --instance web-01 --region us-east-2 --limit 5"));

    [Fact]
    public void ListSnapshots_WithNoOptions_UsesDefaultLimit() =>
        Assert.Equal(new ListSnapshotsIntent(), Parses<ListSnapshotsIntent>("list snapshots"));

    [Fact]
    public void ListSnapshots_WithAllOptions_MapsEveryOption() =>
        Assert.Equal(
            new ListSnapshotsIntent(Volume, new InstanceRef(Instance), "sa-east-1", ListLimits.Max),
            Parses<ListSnapshotsIntent>($"list snapshots --volume {Volume} --instance {Instance} --region sa-east-1 --limit 100"));

    [Theory]
    [InlineData("LIST AMIS")]
    [InlineData("list ami")]
    [InlineData("List Amis --limit 1")]
    public void ListAmis_VerbAndSubWordInAnyCaseOrSingular_AreAccepted(string text) =>
        Parses<ListAmisIntent>(text);

    [Fact]
    public void ListSnapshots_Singular_IsAccepted() =>
        Parses<ListSnapshotsIntent>("list snapshot");

    [Fact]
    public void Status_WithoutOperation_ShowsRecentOperations() =>
        Assert.Equal(new StatusIntent(), Parses<StatusIntent>("status"));

    [Fact]
    public void Status_WithOperation_ShowsThatOperation() =>
        Assert.Equal(new StatusIntent(Operation), Parses<StatusIntent>($"status {Operation}"));

    [Fact]
    public void DeleteAmi_WithImageOnly_DeletesSnapshotsToo() =>
        Assert.Equal(new DeleteAmiIntent(Image), Parses<DeleteAmiIntent>($"delete ami {Image}"));

    [Fact]
    public void DeleteAmi_WithAllOptions_MapsEveryOption() =>
        Assert.Equal(
            new DeleteAmiIntent(Image, KeepSnapshots: true, "eu-north-1"),
            Parses<DeleteAmiIntent>($"delete ami {Image} --keep-snapshots --region eu-north-1"));

    [Fact]
    public void DeleteSnapshot_WithAllOptions_MapsEveryOption() =>
        Assert.Equal(
            new DeleteSnapshotIntent(Snapshot, "ca-central-1"),
            Parses<DeleteSnapshotIntent>($"Delete Snapshot {Snapshot} --region ca-central-1"));

    [Fact]
    public void DeleteSnapshot_WithoutRegion_HasNoRegion() =>
        Assert.Null(Parses<DeleteSnapshotIntent>($"delete snapshot {Snapshot}").Region);

    [Fact]
    public void Cancel_WithOperation_WithdrawsIt() =>
        Assert.Equal(new CancelIntent(Operation), Parses<CancelIntent>($"cancel {Operation}"));

    [Theory]
    [InlineData("AMI web-01")]
    [InlineData("Ami web-01")]
    public void Verb_InAnyCase_IsAccepted(string text) =>
        Parses<CreateAmiIntent>(text);
}
