using Amazon.EC2.Model;
using ChatBackup.Aws.Ec2;
using ChatBackup.Core.Ec2;
using CoreImageState = ChatBackup.Core.Ec2.ImageState;
using CoreSnapshotState = ChatBackup.Core.Ec2.SnapshotState;

namespace ChatBackup.UnitTests.Aws;

public sealed class Ec2MappingTests
{
    [Theory]
    [InlineData("45%", 45)]
    [InlineData("100%", 100)]
    [InlineData("0%", 0)]
    [InlineData(" 7 % ", 7)]
    [InlineData("80", 80)]
    [InlineData("150%", 100)]
    [InlineData("", null)]
    [InlineData(null, null)]
    [InlineData("-5%", null)]
    [InlineData("half", null)]
    public void ParseProgress_ReadsEc2sPercentString(string? value, int? expected) =>
        Assert.Equal(expected, Ec2Mapping.ParseProgress(value));

    [Theory]
    [InlineData("pending", CoreImageState.Pending)]
    [InlineData("available", CoreImageState.Available)]
    [InlineData("invalid", CoreImageState.Invalid)]
    [InlineData("deregistered", CoreImageState.Deregistered)]
    [InlineData("transient", CoreImageState.Transient)]
    [InlineData("failed", CoreImageState.Failed)]
    [InlineData("error", CoreImageState.Error)]
    [InlineData("disabled", CoreImageState.Disabled)]
    [InlineData("brand-new-state", CoreImageState.Unknown)]
    [InlineData(null, CoreImageState.Unknown)]
    public void ParseImageState_CoversEveryDocumentedState(string? value, CoreImageState expected) =>
        Assert.Equal(expected, Ec2Mapping.ParseImageState(value));

    [Theory]
    [InlineData("pending", CoreSnapshotState.Pending)]
    [InlineData("completed", CoreSnapshotState.Completed)]
    [InlineData("error", CoreSnapshotState.Error)]
    [InlineData("recoverable", CoreSnapshotState.Recoverable)]
    [InlineData("recovering", CoreSnapshotState.Recovering)]
    [InlineData("archived", CoreSnapshotState.Unknown)]
    [InlineData(null, CoreSnapshotState.Unknown)]
    public void ParseSnapshotState_CoversEveryDocumentedState(string? value, CoreSnapshotState expected) =>
        Assert.Equal(expected, Ec2Mapping.ParseSnapshotState(value));

    [Fact]
    public void ParseCreationDate_ReadsIso8601AsUtc()
    {
        Assert.Equal(new DateTimeOffset(2021, 9, 29, 11, 4, 43, 305, TimeSpan.Zero), Ec2Mapping.ParseCreationDate("2021-09-29T11:04:43.305Z"));
        Assert.Equal(new DateTimeOffset(2021, 9, 29, 11, 4, 43, TimeSpan.Zero), Ec2Mapping.ParseCreationDate("2021-09-29T11:04:43"));
        Assert.Null(Ec2Mapping.ParseCreationDate(null));
        Assert.Null(Ec2Mapping.ParseCreationDate("yesterday"));
    }

    [Fact]
    public void ToImage_ToleratesAnImageWithNothingSet()
    {
        var image = Ec2Mapping.ToImage(new Image { ImageId = "ami-0123456789abcdef0" });

        Assert.Equal("ami-0123456789abcdef0", image.Id);
        Assert.Equal(string.Empty, image.Name);
        Assert.Equal(CoreImageState.Unknown, image.State);
        Assert.Null(image.CreatedAt);
        Assert.Null(image.StateReason);
        Assert.Empty(image.SnapshotIds);
        Assert.Empty(image.Tags);
        Assert.Null(image.Description);
        Assert.Null(image.SourceInstanceId);
    }

    [Fact]
    public void ToImage_TakesSnapshotsFromEbsMappingsOnly_AndKeepsTheFailureReason()
    {
        var image = Ec2Mapping.ToImage(new Image
        {
            ImageId = "ami-0123456789abcdef0",
            Name = "web-01-20250101-000000",
            State = Amazon.EC2.ImageState.Failed,
            StateReason = new StateReason { Code = "Server.InternalError", Message = "boom" },
            BlockDeviceMappings =
            [
                new BlockDeviceMapping { DeviceName = "/dev/xvda", Ebs = new EbsBlockDevice { SnapshotId = "snap-0123456789abcdef0" } },
                new BlockDeviceMapping { DeviceName = "/dev/sdb", VirtualName = "ephemeral0" },
            ],
            Tags = [new Tag(BackupTags.Operation, "op-abcdefgh")],
            SourceInstanceId = "i-0123456789abcdef0",
        });

        Assert.Equal(CoreImageState.Failed, image.State);
        Assert.Equal(new Ec2StateReason("Server.InternalError", "boom"), image.StateReason);
        Assert.Equal(["snap-0123456789abcdef0"], image.SnapshotIds);
        Assert.Equal("op-abcdefgh", image.Tags[BackupTags.Operation]);
        Assert.Equal("i-0123456789abcdef0", image.SourceInstanceId);
    }

    [Fact]
    public void ToSnapshot_ToleratesNullsAndReadsProgress()
    {
        var empty = Ec2Mapping.ToSnapshot(new Snapshot { SnapshotId = "snap-0123456789abcdef0" });
        Assert.Equal(CoreSnapshotState.Unknown, empty.State);
        Assert.Null(empty.ProgressPercent);
        Assert.Equal(0, empty.SizeGiB);
        Assert.False(empty.Encrypted);
        Assert.Null(empty.StartedAt);
        Assert.Empty(empty.Tags);

        var started = new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var pending = Ec2Mapping.ToSnapshot(new Snapshot
        {
            SnapshotId = "snap-0123456789abcdef0",
            VolumeId = "vol-0123456789abcdef0",
            State = Amazon.EC2.SnapshotState.Pending,
            Progress = "45%",
            VolumeSize = 100,
            Encrypted = true,
            StartTime = started,
            StateMessage = "copying",
        });
        Assert.Equal(CoreSnapshotState.Pending, pending.State);
        Assert.Equal(45, pending.ProgressPercent);
        Assert.Equal(100, pending.SizeGiB);
        Assert.True(pending.Encrypted);
        Assert.Equal(new DateTimeOffset(started), pending.StartedAt);
        Assert.Equal("copying", pending.StateMessage);
    }

    [Fact]
    public void ToUtc_ReadsAnUnspecifiedKindAsUtc() =>
        Assert.Equal(TimeSpan.Zero, Ec2Mapping.ToUtc(new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Unspecified))!.Value.Offset);

    [Fact]
    public void ToVolume_MapsAttachments_AndToleratesNulls()
    {
        var bare = Ec2Mapping.ToVolume(new Volume { VolumeId = "vol-0123456789abcdef0" });
        Assert.Equal(0, bare.SizeGiB);
        Assert.Equal("unknown", bare.State);
        Assert.Empty(bare.Attachments);

        var attached = Ec2Mapping.ToVolume(new Volume
        {
            VolumeId = "vol-0123456789abcdef0",
            Size = 8,
            State = Amazon.EC2.VolumeState.InUse,
            VolumeType = Amazon.EC2.VolumeType.Gp3,
            AvailabilityZone = "eu-west-1a",
            Attachments = [new VolumeAttachment { InstanceId = "i-0123456789abcdef0", Device = "/dev/sdf", State = Amazon.EC2.VolumeAttachmentState.Attached }],
        });
        Assert.Equal("in-use", attached.State);
        Assert.Equal("gp3", attached.VolumeType);
        Assert.Equal(new Ec2VolumeAttachment("i-0123456789abcdef0", "/dev/sdf", "attached"), Assert.Single(attached.Attachments));
    }

    [Fact]
    public void ToInstance_TakesTheNameTag()
    {
        var instance = Ec2Mapping.ToInstance(new Instance
        {
            InstanceId = "i-0123456789abcdef0",
            State = new InstanceState { Name = Amazon.EC2.InstanceStateName.Stopped },
            Placement = new Placement { AvailabilityZone = "us-east-1b" },
            Tags = [new Tag("Name", "web-01"), new Tag("team", "sre")],
        });

        // Records compare lists by reference: the mapped lists are checked on their own.
        Assert.Equal(new Ec2Instance("i-0123456789abcdef0", "web-01", "stopped", "us-east-1b", instance.Tags, instance.DeviceNames), instance);
        Assert.Equal(2, instance.Tags.Count);
        Assert.Empty(instance.Devices);
    }
}
