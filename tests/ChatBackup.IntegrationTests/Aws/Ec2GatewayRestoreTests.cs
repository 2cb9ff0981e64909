using Amazon.Runtime;
using ChatBackup.Aws.Ec2;
using ChatBackup.Core.Ec2;
using ChatBackup.Testing.Moto;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatBackup.IntegrationTests.Aws;

/// <summary>Copy, restore and delete calls against moto 5.2.1 (PROTOCOLS.md §11 lists where it differs from EC2).</summary>
[Collection(MotoFixture.Collection)]
public sealed class Ec2GatewayRestoreTests(MotoFixture moto) : IDisposable
{
    private const string Region = "us-east-1";
    private const string Zone = "us-east-1a";
    private const string OtherRegion = "us-west-2";

    private readonly Ec2ClientFactory _factory = new(moto.Endpoint, new BasicAWSCredentials("testing", "testing"));

    // Bounds every call so a wedged moto fails the test instead of hanging the run.
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    private Ec2Gateway Gateway => new(_factory, NullLogger<Ec2Gateway>.Instance);

    private CancellationToken Ct => _timeout.Token;

    [Fact]
    public async Task CopyImage_ToAnotherRegion_IsFoundThereByOperationTag()
    {
        var (_, imageId, _) = await CreateImageAsync("copy");
        var operation = Unique("op");
        var tags = Tagged(operation);

        var copyId = await Gateway.CopyImageAsync(
            OtherRegion,
            new CopyImageRequest(Region, imageId, Unique("copy-ami"), "copied", Encrypted: false, KmsKeyId: null, ClientToken: operation, tags),
            Ct);

        var copy = Assert.Single(await Gateway.DescribeImagesAsync(OtherRegion, new ImageQuery(Tags: OperationTag(operation)), Ct));
        Assert.Equal(copyId, copy.Id);
        Assert.NotEqual(imageId, copyId);
        Assert.Equal(ImageState.Available, copy.State);
        Assert.Equal(operation, copy.Tags[BackupTags.Operation]);
        Assert.Empty(await Gateway.DescribeImagesAsync(Region, new ImageQuery(Tags: OperationTag(operation)), Ct));
    }

    [Fact]
    public async Task CreateVolume_FromASnapshot_IsDescribedWithItsZoneSizeTypeAndTags()
    {
        var snapshotId = await CreateSnapshotAsync();
        var operation = Unique("op");

        var volumeId = await Gateway.CreateVolumeAsync(
            Region, new CreateVolumeRequest(Zone, snapshotId, 12, "gp3", 3000, 125, operation, Tagged(operation)), Ct);

        var volume = Assert.Single(await Gateway.DescribeVolumesAsync(Region, [volumeId], Ct));
        Assert.StartsWith("vol-", volumeId, StringComparison.Ordinal);
        Assert.Equal(Zone, volume.AvailabilityZone);
        Assert.Equal(12, volume.SizeGiB);
        Assert.Equal("gp3", volume.VolumeType);
        Assert.Equal(operation, volume.Tags[BackupTags.Operation]);
        Assert.Empty(volume.Attachments);
    }

    [Fact]
    public async Task AttachVolume_ShowsTheAttachment_AndTheInstanceListsTheDevice()
    {
        using var ec2 = moto.CreateClient(Region);
        var instanceId = await MotoSeed.RunInstanceAsync(ec2, Unique("restore"), Zone, Ct);
        var snapshotId = await CreateSnapshotAsync();
        var operation = Unique("op");
        var volumeId = await Gateway.CreateVolumeAsync(
            Region, new CreateVolumeRequest(Zone, snapshotId, null, null, null, null, operation, Tagged(operation)), Ct);
        var before = Assert.Single(await Gateway.FindInstancesAsync(Region, instanceId, Ct));
        Assert.DoesNotContain("/dev/sdf", before.Devices);

        await Gateway.AttachVolumeAsync(Region, volumeId, instanceId, "/dev/sdf", Ct);

        var volume = Assert.Single(await Gateway.DescribeVolumesAsync(Region, [volumeId], Ct));
        var attachment = Assert.Single(volume.Attachments);
        Assert.Equal(instanceId, attachment.InstanceId);
        Assert.Equal("/dev/sdf", attachment.Device);
        Assert.Contains(attachment.State, new[] { "attaching", "attached" });
        var after = Assert.Single(await Gateway.FindInstancesAsync(Region, instanceId, Ct));
        Assert.Contains("/dev/sdf", after.Devices);
        Assert.Equal(after.Devices.Count, after.Devices.Distinct().Count());
    }

    [Fact]
    public async Task DryRuns_ArePermitted_BecauseMotoAnswersDryRunOperation()
    {
        using var ec2 = moto.CreateClient(Region);
        var instanceId = await MotoSeed.RunInstanceAsync(ec2, Unique("dry"), Zone, Ct);
        var (_, imageId, snapshotIds) = await CreateImageAsync("dry");
        var operation = Unique("op");

        DryRunResult[] results =
        [
            await Gateway.DryRunCreateVolumeAsync(Region, new CreateVolumeRequest(Zone, snapshotIds[0], null, "gp3", null, null, operation, Tagged(operation)), Ct),
            // A placeholder volume: before the real one exists only the permission answer matters.
            await Gateway.DryRunAttachVolumeAsync(Region, "vol-0123456789abcdef0", instanceId, "/dev/sdf", Ct),
            await Gateway.DryRunDeregisterImageAsync(Region, imageId, Ct),
            await Gateway.DryRunDeleteSnapshotAsync(Region, snapshotIds[0], Ct),
        ];

        Assert.All(results, r =>
        {
            Assert.True(r.Permitted);
            Assert.Equal("DryRunOperation", r.Code);
        });
        // Nothing was done.
        Assert.Single(await Gateway.DescribeImagesAsync(Region, new ImageQuery(ImageIds: [imageId]), Ct));
        Assert.Equal(snapshotIds.Count, (await Gateway.DescribeSnapshotsAsync(Region, new SnapshotQuery(SnapshotIds: snapshotIds), Ct)).Count);
    }

    /// <remarks>
    /// moto 5.2.1 ignores <c>DeleteAssociatedSnapshots</c>: it deregisters the image, keeps the
    /// snapshots and lists no per-snapshot results (EC2 deletes them and lists one result each).
    /// Once the image is gone DeleteSnapshot works, which is how a caller that verifies by
    /// describing can finish the job.
    /// </remarks>
    [Fact]
    public async Task DeregisterImage_AskedToDeleteSnapshots_OnMotoKeepsThem_SoTheyAreDeletedOneByOne()
    {
        var (operation, imageId, snapshotIds) = await CreateImageAsync("dereg");

        var result = await Gateway.DeregisterImageAsync(Region, imageId, keepSnapshots: false, Ct);

        Assert.Empty(result.Snapshots);
        Assert.Empty(await Gateway.DescribeImagesAsync(Region, new ImageQuery(Tags: OperationTag(operation)), Ct));
        var left = await Gateway.DescribeSnapshotsAsync(Region, new SnapshotQuery(Tags: OperationTag(operation)), Ct);
        Assert.Equal(snapshotIds.Order(), left.Select(s => s.Id).Order());

        foreach (var snapshotId in snapshotIds)
        {
            await Gateway.DeleteSnapshotAsync(Region, snapshotId, Ct);
        }

        Assert.Empty(await Gateway.DescribeSnapshotsAsync(Region, new SnapshotQuery(Tags: OperationTag(operation)), Ct));
    }

    [Fact]
    public async Task DeregisterImage_KeepsItsSnapshots_WhenAsked()
    {
        var (operation, imageId, snapshotIds) = await CreateImageAsync("keep");

        var result = await Gateway.DeregisterImageAsync(Region, imageId, keepSnapshots: true, Ct);

        Assert.Empty(result.Snapshots);
        Assert.Empty(await Gateway.DescribeImagesAsync(Region, new ImageQuery(Tags: OperationTag(operation)), Ct));
        var kept = await Gateway.DescribeSnapshotsAsync(Region, new SnapshotQuery(Tags: OperationTag(operation)), Ct);
        Assert.Equal(snapshotIds.Order(), kept.Select(s => s.Id).Order());
    }

    [Fact]
    public async Task DescribeImages_BySnapshotId_FindsTheImageUsingIt()
    {
        var (_, imageId, snapshotIds) = await CreateImageAsync("bysnap");

        var found = await Gateway.DescribeImagesAsync(Region, new ImageQuery(SnapshotId: snapshotIds[0]), Ct);

        Assert.Equal(imageId, Assert.Single(found).Id);
        Assert.Empty(await Gateway.DescribeImagesAsync(Region, new ImageQuery(SnapshotId: "snap-0123456789abcdef0"), Ct));
        Assert.Empty(await Gateway.DescribeImagesAsync(Region, new ImageQuery(Tags: OperationTag(Unique("op")), SnapshotId: snapshotIds[0]), Ct));
    }

    [Fact]
    public async Task DeleteSnapshot_OfASnapshotNoImageUses_DeletesIt()
    {
        var snapshotId = await CreateSnapshotAsync();

        await Gateway.DeleteSnapshotAsync(Region, snapshotId, Ct);

        Assert.Empty(await Gateway.DescribeSnapshotsAsync(Region, new SnapshotQuery(SnapshotIds: [snapshotId]), Ct));
    }

    [Fact]
    public async Task DeleteSnapshot_OfASnapshotAnImageUses_IsRefusedAsInUse()
    {
        var (_, imageId, snapshotIds) = await CreateImageAsync("inuse");

        var error = await Assert.ThrowsAsync<Ec2Exception>(() => Gateway.DeleteSnapshotAsync(Region, snapshotIds[0], Ct));

        Assert.Equal("InvalidSnapshot.InUse", error.Code);
        Assert.Equal(Ec2FaultKind.Permanent, error.Kind);
        Assert.Contains(imageId, error.Message, StringComparison.Ordinal);
        Assert.Single(await Gateway.DescribeSnapshotsAsync(Region, new SnapshotQuery(SnapshotIds: [snapshotIds[0]]), Ct));
    }

    public void Dispose()
    {
        _factory.Dispose();
        _timeout.Dispose();
    }

    /// <summary>An image of a fresh instance, it and its snapshots tagged with a new operation id.</summary>
    private async Task<(string Operation, string ImageId, IReadOnlyList<string> SnapshotIds)> CreateImageAsync(string prefix)
    {
        using var ec2 = moto.CreateClient(Region);
        var instanceId = await MotoSeed.RunInstanceAsync(ec2, Unique(prefix), Zone, Ct);
        var operation = Unique("op");
        var imageId = await Gateway.CreateImageAsync(Region, new CreateImageRequest(instanceId, Unique(prefix + "-ami"), null, true, Tagged(operation)), Ct);
        var image = Assert.Single(await Gateway.DescribeImagesAsync(Region, new ImageQuery(ImageIds: [imageId]), Ct));
        Assert.NotEmpty(image.SnapshotIds);
        await Gateway.TagAsync(Region, image.SnapshotIds, Tagged(operation), Ct);
        return (operation, imageId, image.SnapshotIds);
    }

    private async Task<string> CreateSnapshotAsync()
    {
        using var ec2 = moto.CreateClient(Region);
        var volumeId = await MotoSeed.CreateVolumeAsync(ec2, Zone, 8, Ct);
        var operation = Unique("op");
        return await Gateway.CreateSnapshotAsync(Region, new CreateSnapshotRequest(volumeId, "restore source", Tagged(operation)), Ct);
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private static Dictionary<string, string> OperationTag(string operation) => new() { [BackupTags.Operation] = operation };

    private static Dictionary<string, string> Tagged(string operation) => new()
    {
        [BackupTags.Name] = "chatbackup-test",
        [BackupTags.Operation] = operation,
        [BackupTags.RequestedBy] = "slack:U0TEST",
    };
}
