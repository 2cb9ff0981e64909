using Amazon.EC2;
using Amazon.EC2.Model;
using ChatBackup.Aws.Ec2;
using ChatBackup.Core.Ec2;

namespace ChatBackup.UnitTests.Aws;

public sealed class Ec2RestoreMappingTests
{
    [Fact]
    public void ToInstance_ListsTheRootAndEveryMappedDevice_Once()
    {
        var instance = new Instance
        {
            InstanceId = "i-0123456789abcdef0",
            RootDeviceName = "/dev/xvda",
            BlockDeviceMappings =
            [
                new InstanceBlockDeviceMapping { DeviceName = "/dev/xvda" },
                new InstanceBlockDeviceMapping { DeviceName = "/dev/sdf" },
                new InstanceBlockDeviceMapping { DeviceName = "" },
                new InstanceBlockDeviceMapping(),
            ],
        };

        Assert.Equal(["/dev/xvda", "/dev/sdf"], Ec2Mapping.ToInstance(instance).Devices);
    }

    [Fact]
    public void ToInstance_HasNoDevices_WhenEc2ReportsNone()
    {
        var mapped = Ec2Mapping.ToInstance(new Instance { InstanceId = "i-0123456789abcdef0" });

        Assert.Empty(mapped.Devices);
        Assert.NotNull(mapped.DeviceNames);
    }

    [Theory]
    [InlineData("DryRunOperation", Ec2FaultKind.Permanent, true)]
    [InlineData("UnauthorizedOperation", Ec2FaultKind.Unauthorized, false)]
    [InlineData("AuthFailure", Ec2FaultKind.Unauthorized, false)]
    [InlineData("InvalidVolume.NotFound", Ec2FaultKind.NotFound, true)]
    [InlineData("IncorrectState", Ec2FaultKind.Permanent, true)]
    [InlineData("InvalidParameterValue", Ec2FaultKind.Permanent, true)]
    public void ToDryRunResult_TellsPermissionRefusalsFromEverythingElse(string code, Ec2FaultKind kind, bool permitted)
    {
        var result = Ec2Mapping.ToDryRunResult(new Ec2Exception(code, $"{code} message", kind));

        Assert.Equal(new DryRunResult(permitted, code, $"{code} message"), result);
    }

    [Theory]
    [InlineData("RequestLimitExceeded", Ec2FaultKind.Throttled)]
    [InlineData("InternalError", Ec2FaultKind.Transient)]
    [InlineData("NetworkError", Ec2FaultKind.Transient)]
    public void ToDryRunResult_IsNull_ForThrottlingAndTransientFaults(string code, Ec2FaultKind kind) =>
        Assert.Null(Ec2Mapping.ToDryRunResult(new Ec2Exception(code, "try again", kind)));

    [Fact]
    public void ToDryRunResult_ClassifiesThroughTheSharedErrorMapping()
    {
        var unauthorized = Ec2Errors.Translate(new AmazonEC2Exception("not allowed") { ErrorCode = "UnauthorizedOperation", StatusCode = System.Net.HttpStatusCode.Forbidden })!;
        var throttled = Ec2Errors.Translate(new AmazonEC2Exception("slow down") { ErrorCode = "RequestLimitExceeded", StatusCode = System.Net.HttpStatusCode.ServiceUnavailable })!;

        Assert.False(Ec2Mapping.ToDryRunResult(unauthorized)!.Permitted);
        Assert.Null(Ec2Mapping.ToDryRunResult(throttled));
    }

    [Fact]
    public void ToDeregisterResult_MapsEachSnapshotsReturnCode()
    {
        var result = Ec2Mapping.ToDeregisterResult(
        [
            new DeleteSnapshotReturnCode { SnapshotId = "snap-1", ReturnCode = SnapshotReturnCodes.Success },
            new DeleteSnapshotReturnCode { SnapshotId = "snap-2", ReturnCode = SnapshotReturnCodes.MissingPermissions },
            new DeleteSnapshotReturnCode { SnapshotId = "snap-3", ReturnCode = SnapshotReturnCodes.Skipped },
            new DeleteSnapshotReturnCode { SnapshotId = "snap-4" },
        ]);

        Assert.Equal(
            [
                new SnapshotDeletion("snap-1", true, null),
                new SnapshotDeletion("snap-2", false, "missing-permissions"),
                new SnapshotDeletion("snap-3", false, "skipped"),
                new SnapshotDeletion("snap-4", false, "unknown"),
            ],
            result.Snapshots);
    }

    [Fact]
    public void ToDeregisterResult_IsEmpty_WhenEc2ListsNoSnapshots() =>
        Assert.Empty(Ec2Mapping.ToDeregisterResult(null).Snapshots);
}
