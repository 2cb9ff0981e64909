using Amazon.Runtime;
using ChatBackup.Aws.Ec2;
using ChatBackup.Core.Ec2;
using ChatBackup.Testing.Moto;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatBackup.IntegrationTests.Aws;

[Collection(MotoFixture.Collection)]
public sealed class Ec2GatewayTests(MotoFixture moto) : IDisposable
{
    private const string Region = "us-east-1";
    private const string Zone = "us-east-1a";

    private readonly Ec2ClientFactory _factory = new(moto.Endpoint, new BasicAWSCredentials("testing", "testing"));

    private Ec2Gateway Gateway => new(_factory, NullLogger<Ec2Gateway>.Instance);

    // Bounds every call so a wedged moto fails the test instead of hanging the run.
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    private CancellationToken Ct => _timeout.Token;

    [Fact]
    public async Task FindInstances_ReturnsTheInstance_WhenGivenItsId()
    {
        var name = Unique("web");
        using var ec2 = moto.CreateClient(Region);
        var id = await MotoSeed.RunInstanceAsync(ec2, name, Zone, Ct);

        var found = await Gateway.FindInstancesAsync(Region, id, Ct);

        var instance = Assert.Single(found);
        Assert.Equal(id, instance.Id);
        Assert.Equal(name, instance.Name);
        Assert.Equal("running", instance.State);
        Assert.Equal(Zone, instance.AvailabilityZone);
        Assert.Equal(name, instance.Tags[BackupTags.Name]);
    }

    [Fact]
    public async Task FindInstances_MatchesTheNameTagExactly()
    {
        var name = Unique("db");
        using var ec2 = moto.CreateClient(Region);
        var id = await MotoSeed.RunInstanceAsync(ec2, name, cancellationToken: Ct);
        await MotoSeed.RunInstanceAsync(ec2, name + "-replica", cancellationToken: Ct);

        var found = await Gateway.FindInstancesAsync(Region, name, Ct);

        Assert.Equal(id, Assert.Single(found).Id);
    }

    [Fact]
    public async Task FindInstances_ReturnsEveryMatch_WhenTwoInstancesShareAName()
    {
        var name = Unique("twin");
        using var ec2 = moto.CreateClient(Region);
        var first = await MotoSeed.RunInstanceAsync(ec2, name, cancellationToken: Ct);
        var second = await MotoSeed.RunInstanceAsync(ec2, name, cancellationToken: Ct);

        var found = await Gateway.FindInstancesAsync(Region, name, Ct);

        Assert.Equal(new[] { first, second }.Order(), found.Select(i => i.Id).Order());
    }

    [Fact]
    public async Task FindInstances_ReturnsNothing_ForAnUnknownIdOrName()
    {
        Assert.Empty(await Gateway.FindInstancesAsync(Region, "i-0123456789abcdef0", Ct));
        Assert.Empty(await Gateway.FindInstancesAsync(Region, Unique("nobody"), Ct));
    }

    [Fact]
    public async Task FindInstances_IgnoresTerminatedInstances()
    {
        var name = Unique("gone");
        using var ec2 = moto.CreateClient(Region);
        var id = await MotoSeed.RunInstanceAsync(ec2, name, cancellationToken: Ct);
        await ec2.TerminateInstancesAsync(new Amazon.EC2.Model.TerminateInstancesRequest { InstanceIds = [id] }, Ct);

        Assert.Empty(await Gateway.FindInstancesAsync(Region, name, Ct));
    }

    [Fact]
    public async Task CreateImage_TagsTheImage_AndDescribeImagesFindsItByOperationTag()
    {
        using var ec2 = moto.CreateClient(Region);
        var instanceId = await MotoSeed.RunInstanceAsync(ec2, Unique("app"), cancellationToken: Ct);
        var operation = Unique("op");
        var tags = BackupTagsFor(operation, instanceId);

        var imageId = await Gateway.CreateImageAsync(
            Region, new CreateImageRequest(instanceId, Unique("app-ami"), "before deploy", NoReboot: true, tags), Ct);

        var image = Assert.Single(await Gateway.DescribeImagesAsync(
            Region, new ImageQuery(Tags: new Dictionary<string, string> { [BackupTags.Operation] = operation }), Ct));
        Assert.Equal(imageId, image.Id);
        Assert.Equal(ImageState.Available, image.State);
        Assert.NotEmpty(image.SnapshotIds);
        Assert.All(image.SnapshotIds, id => Assert.StartsWith("snap-", id, StringComparison.Ordinal));
        Assert.Equal("before deploy", image.Description);
        Assert.NotNull(image.CreatedAt);
        Assert.Equal(instanceId, image.Tags[BackupTags.Source]);

        var bySource = await Gateway.DescribeImagesAsync(Region, new ImageQuery(SourceInstanceId: instanceId), Ct);
        Assert.Equal(imageId, Assert.Single(bySource).Id);

        var byId = await Gateway.DescribeImagesAsync(Region, new ImageQuery(ImageIds: [imageId]), Ct);
        Assert.Equal(imageId, Assert.Single(byId).Id);
    }

    [Fact]
    public async Task TagAsync_TagsTheImagesSnapshots_SoDescribeSnapshotsFindsThemByTag()
    {
        using var ec2 = moto.CreateClient(Region);
        var instanceId = await MotoSeed.RunInstanceAsync(ec2, Unique("api"), cancellationToken: Ct);
        var operation = Unique("op");
        var tags = BackupTagsFor(operation, instanceId);
        var imageId = await Gateway.CreateImageAsync(Region, new CreateImageRequest(instanceId, Unique("api-ami"), null, false, tags), Ct);
        var image = Assert.Single(await Gateway.DescribeImagesAsync(Region, new ImageQuery(ImageIds: [imageId]), Ct));

        await Gateway.TagAsync(Region, image.SnapshotIds, tags, Ct);

        var snapshots = await Gateway.DescribeSnapshotsAsync(
            Region, new SnapshotQuery(Tags: new Dictionary<string, string> { [BackupTags.Operation] = operation }), Ct);
        Assert.Equal(image.SnapshotIds.Order(), snapshots.Select(s => s.Id).Order());
        Assert.All(snapshots, s => Assert.Equal(instanceId, s.Tags[BackupTags.Source]));
    }

    [Fact]
    public async Task CreateSnapshot_IsFoundByVolumeAndByTag_WithoutThePremadeSnapshots()
    {
        using var ec2 = moto.CreateClient(Region);
        var volumeId = await MotoSeed.CreateVolumeAsync(ec2, Zone, 8, Ct);
        var operation = Unique("op");

        var snapshotId = await Gateway.CreateSnapshotAsync(
            Region, new CreateSnapshotRequest(volumeId, "nightly", BackupTagsFor(operation, volumeId)), Ct);

        var byVolume = Assert.Single(await Gateway.DescribeSnapshotsAsync(Region, new SnapshotQuery(VolumeId: volumeId), Ct));
        Assert.Equal(snapshotId, byVolume.Id);
        Assert.Equal(volumeId, byVolume.VolumeId);
        Assert.Equal(SnapshotState.Completed, byVolume.State);
        Assert.Equal(100, byVolume.ProgressPercent);
        Assert.Equal(8, byVolume.SizeGiB);
        Assert.Equal("nightly", byVolume.Description);
        Assert.False(byVolume.Encrypted);
        Assert.NotNull(byVolume.StartedAt);
        Assert.Equal(operation, byVolume.Tags[BackupTags.Operation]);

        var byTag = await Gateway.DescribeSnapshotsAsync(
            Region, new SnapshotQuery(Tags: new Dictionary<string, string> { [BackupTags.Operation] = operation }), Ct);
        Assert.Equal(snapshotId, Assert.Single(byTag).Id);

        // An empty query must mean "ours", never the ~1,200 snapshots moto pre-makes with Owner=self.
        var ours = await Gateway.DescribeSnapshotsAsync(Region, new SnapshotQuery(), Ct);
        Assert.Contains(ours, s => s.Id == snapshotId);
        Assert.All(ours, s => Assert.True(s.Tags.ContainsKey(BackupTags.Operation)));
    }

    [Fact]
    public async Task DescribeSnapshots_StopsAtMaxResults()
    {
        using var ec2 = moto.CreateClient(Region);
        var volumeId = await MotoSeed.CreateVolumeAsync(ec2, Zone, 1, Ct);
        for (var i = 0; i < 3; i++)
        {
            await Gateway.CreateSnapshotAsync(Region, new CreateSnapshotRequest(volumeId, null, BackupTagsFor(Unique("op"), volumeId)), Ct);
        }

        var two = await Gateway.DescribeSnapshotsAsync(Region, new SnapshotQuery(VolumeId: volumeId, MaxResults: 2), Ct);

        Assert.Equal(2, two.Count);
    }

    [Fact]
    public async Task DescribeVolumes_MapsSizeZoneTypeAndTags()
    {
        using var ec2 = moto.CreateClient(Region);
        var volumeId = await MotoSeed.CreateVolumeAsync(ec2, Zone, 20, Ct);
        await Gateway.TagAsync(Region, [volumeId], new Dictionary<string, string> { [BackupTags.Name] = "data" }, Ct);

        var volume = Assert.Single(await Gateway.DescribeVolumesAsync(Region, [volumeId], Ct));

        Assert.Equal(volumeId, volume.Id);
        Assert.Equal(20, volume.SizeGiB);
        Assert.Equal("available", volume.State);
        Assert.Equal(Zone, volume.AvailabilityZone);
        Assert.Equal("gp3", volume.VolumeType);
        Assert.Equal("data", volume.Tags[BackupTags.Name]);
        Assert.Empty(volume.Attachments);
    }

    [Fact]
    public async Task Regions_AreSeparate_EvenThroughOneCustomEndpoint()
    {
        var name = Unique("east-only");
        using var east = moto.CreateClient(Region);
        var id = await MotoSeed.RunInstanceAsync(east, name, cancellationToken: Ct);

        Assert.Single(await Gateway.FindInstancesAsync(Region, name, Ct));
        Assert.Empty(await Gateway.FindInstancesAsync("us-west-2", name, Ct));
        Assert.Empty(await Gateway.FindInstancesAsync("us-west-2", id, Ct));
    }

    [Fact]
    public async Task CreateImage_OfAnUnknownInstance_ThrowsEc2ExceptionWithEc2sCode()
    {
        var error = await Assert.ThrowsAsync<Ec2Exception>(() => Gateway.CreateImageAsync(
            Region, new CreateImageRequest("i-0123456789abcdef0", Unique("ghost"), null, true, new Dictionary<string, string>()), Ct));

        Assert.Equal("InvalidInstanceID.NotFound", error.Code);
        Assert.Equal(Ec2FaultKind.NotFound, error.Kind);
        Assert.False(error.IsRetryable);
    }

    [Fact]
    public async Task DescribeSnapshots_LeavesOutUnknownIds_AndKeepsTheKnownOnes()
    {
        using var ec2 = moto.CreateClient(Region);
        var volume = await MotoSeed.CreateVolumeAsync(ec2, Region + "a", 1, Ct);
        var known = await Gateway.CreateSnapshotAsync(Region, new CreateSnapshotRequest(volume, null, new Dictionary<string, string>()), Ct);

        var none = await Gateway.DescribeSnapshotsAsync(Region, new SnapshotQuery(SnapshotIds: ["snap-0123456789abcdef0"]), Ct);
        var some = await Gateway.DescribeSnapshotsAsync(Region, new SnapshotQuery(SnapshotIds: ["snap-0123456789abcdef0", known]), Ct);

        Assert.Empty(none);
        Assert.Equal(known, Assert.Single(some).Id);
    }

    [Fact]
    public async Task DescribeImages_StopsAtMaxResults()
    {
        using var ec2 = moto.CreateClient(Region);
        var instanceId = await MotoSeed.RunInstanceAsync(ec2, Unique("many"), cancellationToken: Ct);
        for (var i = 0; i < 3; i++)
        {
            await Gateway.CreateImageAsync(Region, new CreateImageRequest(instanceId, Unique("many-ami"), null, true, BackupTagsFor(Unique("op"), instanceId)), Ct);
        }

        var two = await Gateway.DescribeImagesAsync(Region, new ImageQuery(SourceInstanceId: instanceId, MaxResults: 2), Ct);

        Assert.Equal(2, two.Count);
    }

    [Fact]
    public async Task Factory_SendsEveryRegionToTheConfiguredEndpoint_SignedForThatRegion()
    {
        var config = _factory.GetClient("eu-west-1").Config;

        Assert.Equal(moto.Endpoint, config.ServiceURL?.TrimEnd('/'));
        Assert.Equal("eu-west-1", config.AuthenticationRegion);
        Assert.Empty(await Gateway.FindInstancesAsync("eu-west-1", Unique("none"), Ct));
    }

    public void Dispose()
    {
        _factory.Dispose();
        _timeout.Dispose();
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private static Dictionary<string, string> BackupTagsFor(string operation, string source) => new()
    {
        [BackupTags.Name] = "chatbackup-test",
        [BackupTags.Operation] = operation,
        [BackupTags.Source] = source,
        [BackupTags.RequestedBy] = "slack:U0TEST",
        [BackupTags.Channel] = "slack:C0TEST",
    };
}
