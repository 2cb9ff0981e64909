using System.Collections.Concurrent;
using ChatBackup.Core.Ec2;

namespace ChatBackup.Testing.Ec2;

/// <summary>
/// An in-process EC2 with what moto lacks: images and snapshots stay pending for a number of
/// describes while their progress climbs, and a test can make calls fail with any EC2 code.
/// Thread-safe; counts every call by action name.
/// </summary>
public sealed class FakeEc2Gateway : IEc2Gateway
{
    private readonly object _gate = new();
    private readonly List<FakeInstance> _instances = [];
    private readonly List<FakeVolume> _volumes = [];
    private readonly List<FakeImage> _images = [];
    private readonly List<FakeSnapshot> _snapshots = [];
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private readonly ConcurrentQueue<(string Action, Ec2Exception Error)> _failures = new();
    private int _nextId = 0x1000;

    /// <summary>How many DescribeImages/DescribeSnapshots calls a new resource stays pending for.</summary>
    public int PendingPolls { get; set; } = 3;

    /// <summary>What a new image ends as once its pending polls are used up.</summary>
    public ImageState FinalImageState { get; set; } = ImageState.Available;

    public Ec2StateReason? FinalStateReason { get; set; }

    public IReadOnlyDictionary<string, int> Calls => _calls;

    public int CallCount(string action) => _calls.GetValueOrDefault(action);

    public IReadOnlyList<FakeImage> Images
    {
        get
        {
            lock (_gate)
            {
                return [.. _images];
            }
        }
    }

    public IReadOnlyList<FakeSnapshot> Snapshots
    {
        get
        {
            lock (_gate)
            {
                return [.. _snapshots];
            }
        }
    }

    /// <summary>The next call of <paramref name="action"/> (for example "CreateImage") throws this EC2 error.</summary>
    public void FailNext(string action, string code, string message, Ec2FaultKind kind = Ec2FaultKind.Permanent) =>
        _failures.Enqueue((action, new Ec2Exception(code, message, kind)));

    public string AddInstance(string region, string? name, string state = "running", string az = "")
    {
        lock (_gate)
        {
            var id = NewId("i-");
            var volume = new FakeVolume(NewId("vol-"), region, 8, string.IsNullOrEmpty(az) ? region + "a" : az, new Dictionary<string, string>(), id);
            _volumes.Add(volume);
            var tags = new Dictionary<string, string>();
            if (name is not null)
            {
                tags[BackupTags.Name] = name;
            }

            _instances.Add(new FakeInstance(id, region, state, volume.AvailabilityZone, tags, [volume.Id]));
            return id;
        }
    }

    public string AddVolume(string region, int sizeGiB = 8)
    {
        lock (_gate)
        {
            var volume = new FakeVolume(NewId("vol-"), region, sizeGiB, region + "a", new Dictionary<string, string>(), null);
            _volumes.Add(volume);
            return volume.Id;
        }
    }

    public Task<IReadOnlyList<Ec2Instance>> FindInstancesAsync(string region, string nameOrId, CancellationToken cancellationToken)
    {
        Enter("DescribeInstances");
        lock (_gate)
        {
            IReadOnlyList<Ec2Instance> found = _instances
                .Where(i => i.Region == region && (i.Id == nameOrId || i.Tags.GetValueOrDefault(BackupTags.Name) == nameOrId))
                .Select(i => new Ec2Instance(i.Id, i.Tags.GetValueOrDefault(BackupTags.Name), i.State, i.AvailabilityZone, new Dictionary<string, string>(i.Tags)))
                .ToList();
            return Task.FromResult(found);
        }
    }

    public Task<IReadOnlyList<Ec2Volume>> DescribeVolumesAsync(string region, IReadOnlyList<string> volumeIds, CancellationToken cancellationToken)
    {
        Enter("DescribeVolumes");
        lock (_gate)
        {
            IReadOnlyList<Ec2Volume> found = _volumes
                .Where(v => v.Region == region && volumeIds.Contains(v.Id))
                .Select(v => new Ec2Volume(
                    v.Id, v.SizeGiB, v.AttachedTo is null ? "available" : "in-use", v.AvailabilityZone, "gp3", new Dictionary<string, string>(v.Tags),
                    v.AttachedTo is { } instance ? [new Ec2VolumeAttachment(instance, "/dev/xvda", "attached")] : []))
                .ToList();
            return Task.FromResult(found);
        }
    }

    public Task<string> CreateImageAsync(string region, CreateImageRequest request, CancellationToken cancellationToken)
    {
        Enter("CreateImage");
        lock (_gate)
        {
            var instance = _instances.FirstOrDefault(i => i.Region == region && i.Id == request.InstanceId)
                ?? throw new Ec2Exception("InvalidInstanceID.NotFound", $"The instance ID '{request.InstanceId}' does not exist", Ec2FaultKind.NotFound);
            if (_images.Any(i => i.Region == region && i.Name == request.Name))
            {
                throw new Ec2Exception("InvalidAMIName.Duplicate", $"AMI name {request.Name} is already in use by AMI", Ec2FaultKind.Permanent);
            }

            var snapshotIds = new List<string>();
            foreach (var volumeId in instance.VolumeIds)
            {
                var volume = _volumes.First(v => v.Id == volumeId);
                var snapshot = new FakeSnapshot(NewId("snap-"), region, volumeId, volume.SizeGiB, $"Created by CreateImage({instance.Id})", PendingPolls, new Dictionary<string, string>());
                _snapshots.Add(snapshot);
                snapshotIds.Add(snapshot.Id);
            }

            var image = new FakeImage(NewId("ami-"), region, request.Name, request.InstanceId, request.NoReboot, PendingPolls, FinalImageState, FinalStateReason, new Dictionary<string, string>(request.Tags), snapshotIds);
            _images.Add(image);
            return Task.FromResult(image.Id);
        }
    }

    public Task<IReadOnlyList<Ec2Image>> DescribeImagesAsync(string region, ImageQuery query, CancellationToken cancellationToken)
    {
        Enter("DescribeImages");
        lock (_gate)
        {
            var matches = _images
                .Where(i => i.Region == region && !i.Deregistered)
                .Where(i => query.ImageIds is null || query.ImageIds.Contains(i.Id))
                .Where(i => query.Tags is null || query.Tags.All(t => i.Tags.GetValueOrDefault(t.Key) == t.Value))
                .Where(i => query.SourceInstanceId is null || i.Tags.GetValueOrDefault(BackupTags.Source) == query.SourceInstanceId)
                .ToList();
            foreach (var image in matches.Where(i => query.ImageIds is not null))
            {
                image.Tick();
                foreach (var snapshot in _snapshots.Where(s => image.SnapshotIds.Contains(s.Id)))
                {
                    snapshot.Follow(image);
                }
            }

            IReadOnlyList<Ec2Image> result = matches.Select(i => i.ToModel()).ToList();
            return Task.FromResult(result);
        }
    }

    public Task<string> CreateSnapshotAsync(string region, CreateSnapshotRequest request, CancellationToken cancellationToken)
    {
        Enter("CreateSnapshot");
        lock (_gate)
        {
            var volume = _volumes.FirstOrDefault(v => v.Region == region && v.Id == request.VolumeId)
                ?? throw new Ec2Exception("InvalidVolume.NotFound", $"The volume '{request.VolumeId}' does not exist.", Ec2FaultKind.NotFound);
            var snapshot = new FakeSnapshot(NewId("snap-"), region, volume.Id, volume.SizeGiB, request.Description, PendingPolls, new Dictionary<string, string>(request.Tags));
            _snapshots.Add(snapshot);
            return Task.FromResult(snapshot.Id);
        }
    }

    public Task<IReadOnlyList<Ec2Snapshot>> DescribeSnapshotsAsync(string region, SnapshotQuery query, CancellationToken cancellationToken)
    {
        Enter("DescribeSnapshots");
        lock (_gate)
        {
            var matches = _snapshots
                .Where(s => s.Region == region)
                .Where(s => query.SnapshotIds is null || query.SnapshotIds.Contains(s.Id))
                .Where(s => query.VolumeId is null || s.VolumeId == query.VolumeId)
                .Where(s => query.Tags is null || query.Tags.All(t => s.Tags.GetValueOrDefault(t.Key) == t.Value))
                .ToList();
            foreach (var snapshot in matches.Where(s => query.SnapshotIds is not null && s.Image is null))
            {
                snapshot.Tick();
            }

            IReadOnlyList<Ec2Snapshot> result = matches.Select(s => s.ToModel()).ToList();
            return Task.FromResult(result);
        }
    }

    public Task TagAsync(string region, IReadOnlyList<string> resourceIds, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        Enter("CreateTags");
        lock (_gate)
        {
            foreach (var id in resourceIds)
            {
                IDictionary<string, string>? target = _images.FirstOrDefault(i => i.Id == id)?.Tags
                    ?? _snapshots.FirstOrDefault(s => s.Id == id)?.Tags
                    ?? _volumes.FirstOrDefault(v => v.Id == id)?.Tags
                    ?? throw new Ec2Exception("InvalidID", $"The ID '{id}' is not valid", Ec2FaultKind.Permanent);
                foreach (var (key, value) in tags)
                {
                    target[key] = value;
                }
            }
        }

        return Task.CompletedTask;
    }

    private void Enter(string action)
    {
        _calls.AddOrUpdate(action, 1, (_, n) => n + 1);
        if (_failures.TryPeek(out var next) && next.Action == action && _failures.TryDequeue(out next))
        {
            throw next.Error;
        }
    }

    private string NewId(string prefix) => prefix + Interlocked.Increment(ref _nextId).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);

    public sealed record FakeInstance(string Id, string Region, string State, string AvailabilityZone, Dictionary<string, string> Tags, List<string> VolumeIds);

    public sealed record FakeVolume(string Id, string Region, int SizeGiB, string AvailabilityZone, Dictionary<string, string> Tags, string? AttachedTo);

    public sealed class FakeImage(
        string id, string region, string name, string instanceId, bool noReboot, int pendingPolls,
        ImageState finalState, Ec2StateReason? finalReason, Dictionary<string, string> tags, List<string> snapshotIds)
    {
        public string Id { get; } = id;

        public string Region { get; } = region;

        public string Name { get; } = name;

        public string InstanceId { get; } = instanceId;

        public bool NoReboot { get; } = noReboot;

        public int PendingPollsLeft { get; private set; } = pendingPolls;

        public int TotalPolls { get; } = Math.Max(1, pendingPolls);

        public bool Deregistered { get; set; }

        public Dictionary<string, string> Tags { get; } = tags;

        public List<string> SnapshotIds { get; } = snapshotIds;

        public ImageState State => PendingPollsLeft > 0 ? ImageState.Pending : finalState;

        public void Tick() => PendingPollsLeft = Math.Max(0, PendingPollsLeft - 1);

        public Ec2Image ToModel() => new(
            Id, Name, State, DateTimeOffset.UtcNow, State == finalState && finalState != ImageState.Available ? finalReason : null,
            [.. SnapshotIds], new Dictionary<string, string>(Tags), null, InstanceId);
    }

    public sealed class FakeSnapshot(string id, string region, string volumeId, int sizeGiB, string? description, int pendingPolls, Dictionary<string, string> tags)
    {
        private readonly int _total = Math.Max(1, pendingPolls);

        public string Id { get; } = id;

        public string Region { get; } = region;

        public string VolumeId { get; } = volumeId;

        public int SizeGiB { get; } = sizeGiB;

        public int PendingPollsLeft { get; private set; } = pendingPolls;

        public Dictionary<string, string> Tags { get; } = tags;

        public FakeImage? Image { get; private set; }

        public SnapshotState State => PendingPollsLeft > 0 ? SnapshotState.Pending : SnapshotState.Completed;

        public int Progress => State == SnapshotState.Completed ? 100 : (_total - PendingPollsLeft) * 100 / (_total + 1);

        public void Tick() => PendingPollsLeft = Math.Max(0, PendingPollsLeft - 1);

        /// <summary>An image's snapshots advance with the image, as EC2's do.</summary>
        public void Follow(FakeImage image)
        {
            Image = image;
            PendingPollsLeft = image.PendingPollsLeft;
        }

        public Ec2Snapshot ToModel() => new(
            Id, VolumeId, State, Progress, SizeGiB, DateTimeOffset.UtcNow, description, false, new Dictionary<string, string>(Tags));
    }
}
