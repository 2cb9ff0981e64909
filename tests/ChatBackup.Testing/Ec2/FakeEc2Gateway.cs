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

    // Indexes beside the lists (which keep creation order for listings), so describing a few ids
    // stays cheap with thousands of images: the fan-out bench measures the bot, not the fake.
    private readonly Dictionary<string, FakeImage> _imageById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeSnapshot> _snapshotById = new(StringComparer.Ordinal);
    private readonly HashSet<(string Region, string Name)> _imageNames = [];
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private readonly ConcurrentQueue<(string Action, Ec2Exception Error)> _failures = new();
    private readonly ConcurrentDictionary<string, bool> _denied = new();
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

            _instances.Add(new FakeInstance(id, region, state, volume.AvailabilityZone, tags, [volume.Id]) { Devices = { ["/dev/xvda"] = volume.Id } });
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
                .Select(i => new Ec2Instance(i.Id, i.Tags.GetValueOrDefault(BackupTags.Name), i.State, i.AvailabilityZone, new Dictionary<string, string>(i.Tags), [.. i.Devices.Keys]))
                .ToList();
            return Task.FromResult(found);
        }
    }

    public Task<IReadOnlyList<Ec2Volume>> DescribeVolumesAsync(string region, IReadOnlyList<string> volumeIds, CancellationToken cancellationToken)
    {
        Enter("DescribeVolumes");
        lock (_gate)
        {
            var wanted = volumeIds.ToHashSet(StringComparer.Ordinal);
            var found = _volumes
                .Where(v => v.Region == region && wanted.Contains(v.Id) && !v.Deleted)
                .ToList();
            foreach (var volume in found)
            {
                volume.PendingPollsLeft = Math.Max(0, volume.PendingPollsLeft - 1);
            }

            IReadOnlyList<Ec2Volume> result = found.Select(VolumeModel).ToList();
            return Task.FromResult(result);
        }
    }

    public Task<IReadOnlyList<Ec2Volume>> FindVolumesByTagsAsync(string region, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        Enter("DescribeVolumes");
        lock (_gate)
        {
            IReadOnlyList<Ec2Volume> found = _volumes
                .Where(v => v.Region == region && !v.Deleted && tags.All(t => v.Tags.GetValueOrDefault(t.Key) == t.Value))
                .Select(VolumeModel)
                .ToList();
            return Task.FromResult(found);
        }
    }

    private static Ec2Volume VolumeModel(FakeVolume v)
    {
        var pending = v.PendingPollsLeft > 0;
        var state = v.AttachedTo is not null ? "in-use" : pending ? "creating" : "available";
        IReadOnlyList<Ec2VolumeAttachment> attachments = v.AttachedTo is { } instance
            ? [new Ec2VolumeAttachment(instance, v.Device ?? "/dev/xvda", pending ? "attaching" : "attached")]
            : [];
        return new Ec2Volume(v.Id, v.SizeGiB, state, v.AvailabilityZone, v.VolumeType ?? "gp3", new Dictionary<string, string>(v.Tags), attachments);
    }

    public Task<string> CreateImageAsync(string region, CreateImageRequest request, CancellationToken cancellationToken)
    {
        Enter("CreateImage");
        lock (_gate)
        {
            var instance = _instances.FirstOrDefault(i => i.Region == region && i.Id == request.InstanceId)
                ?? throw new Ec2Exception("InvalidInstanceID.NotFound", $"The instance ID '{request.InstanceId}' does not exist", Ec2FaultKind.NotFound);
            if (_imageNames.Contains((region, request.Name)))
            {
                throw new Ec2Exception("InvalidAMIName.Duplicate", $"AMI name {request.Name} is already in use by AMI", Ec2FaultKind.Permanent);
            }

            var snapshotIds = new List<string>();
            foreach (var volumeId in instance.VolumeIds)
            {
                var volume = _volumes.First(v => v.Id == volumeId);
                var snapshot = new FakeSnapshot(NewId("snap-"), region, volumeId, volume.SizeGiB, $"Created by CreateImage({instance.Id})", PendingPolls, new Dictionary<string, string>());
                AddSnapshotRecord(snapshot);
                snapshotIds.Add(snapshot.Id);
            }

            var image = new FakeImage(NewId("ami-"), region, request.Name, request.InstanceId, request.NoReboot, PendingPolls, FinalImageState, FinalStateReason, new Dictionary<string, string>(request.Tags), snapshotIds);
            AddImageRecord(image);
            return Task.FromResult(image.Id);
        }
    }

    public Task<IReadOnlyList<Ec2Image>> DescribeImagesAsync(string region, ImageQuery query, CancellationToken cancellationToken)
    {
        Enter("DescribeImages");
        lock (_gate)
        {
            var candidates = query.ImageIds is { } imageIds
                ? imageIds.Distinct(StringComparer.Ordinal).Select(id => _imageById.GetValueOrDefault(id)).OfType<FakeImage>()
                : _images;
            var matches = candidates
                .Where(i => i.Region == region && !i.Deregistered)
                .Where(i => query.Tags is null || query.Tags.All(t => i.Tags.GetValueOrDefault(t.Key) == t.Value))
                .Where(i => query.SourceInstanceId is null || i.Tags.GetValueOrDefault(BackupTags.Source) == query.SourceInstanceId)
                .Where(i => query.SnapshotId is null || i.SnapshotIds.Contains(query.SnapshotId))
                .ToList();
            foreach (var image in matches.Where(i => query.ImageIds is not null))
            {
                image.Tick();
                foreach (var snapshot in image.SnapshotIds.Select(id => _snapshotById.GetValueOrDefault(id)).OfType<FakeSnapshot>())
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
            AddSnapshotRecord(snapshot);
            return Task.FromResult(snapshot.Id);
        }
    }

    public Task<IReadOnlyList<Ec2Snapshot>> DescribeSnapshotsAsync(string region, SnapshotQuery query, CancellationToken cancellationToken)
    {
        Enter("DescribeSnapshots");
        lock (_gate)
        {
            var candidates = query.SnapshotIds is { } snapshotIds
                ? snapshotIds.Distinct(StringComparer.Ordinal).Select(id => _snapshotById.GetValueOrDefault(id)).OfType<FakeSnapshot>()
                : _snapshots;
            var matches = candidates
                .Where(s => s.Region == region)
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

    public Task<string> CopyImageAsync(string destinationRegion, CopyImageRequest request, CancellationToken cancellationToken)
    {
        Enter("CopyImage");
        lock (_gate)
        {
            if (_images.FirstOrDefault(i => i.CopyToken == request.ClientToken && i.Region == destinationRegion) is { } again)
            {
                return Task.FromResult(again.Id);
            }

            var source = _images.FirstOrDefault(i => i.Region == request.SourceRegion && i.Id == request.SourceImageId && !i.Deregistered)
                ?? throw new Ec2Exception("InvalidAMIID.NotFound", $"The image id '[{request.SourceImageId}]' does not exist", Ec2FaultKind.NotFound);
            var snapshotIds = new List<string>();
            foreach (var snapshot in _snapshots.Where(s => source.SnapshotIds.Contains(s.Id)).ToList())
            {
                var copy = new FakeSnapshot(NewId("snap-"), destinationRegion, snapshot.VolumeId, snapshot.SizeGiB, $"Copied for DestinationAmi from {snapshot.Id}", PendingPolls, []);
                AddSnapshotRecord(copy);
                snapshotIds.Add(copy.Id);
            }

            var image = new FakeImage(NewId("ami-"), destinationRegion, request.Name, source.InstanceId, source.NoReboot, PendingPolls, FinalImageState, FinalStateReason, new Dictionary<string, string>(request.Tags), snapshotIds)
            {
                CopyToken = request.ClientToken,
                Encrypted = request.Encrypted,
                KmsKeyId = request.KmsKeyId,
            };
            AddImageRecord(image);
            return Task.FromResult(image.Id);
        }
    }

    public Task<string> CreateVolumeAsync(string region, CreateVolumeRequest request, CancellationToken cancellationToken)
    {
        Enter("CreateVolume");
        lock (_gate)
        {
            if (_volumes.FirstOrDefault(v => v.ClientToken == request.ClientToken && v.Region == region) is { } again)
            {
                return Task.FromResult(again.Id);
            }

            var snapshot = _snapshots.FirstOrDefault(s => s.Region == region && s.Id == request.SnapshotId)
                ?? throw new Ec2Exception("InvalidSnapshot.NotFound", $"The snapshot '{request.SnapshotId}' does not exist.", Ec2FaultKind.NotFound);
            if (request.SizeGiB is { } size && size < snapshot.SizeGiB)
            {
                throw new Ec2Exception("InvalidParameterValue", $"Volume of {size}GiB is too small; minimum is {snapshot.SizeGiB}GiB.", Ec2FaultKind.Permanent);
            }

            var volume = new FakeVolume(NewId("vol-"), region, request.SizeGiB ?? snapshot.SizeGiB, request.AvailabilityZone, new Dictionary<string, string>(request.Tags), null)
            {
                SnapshotId = request.SnapshotId,
                VolumeType = request.VolumeType ?? "gp2",
                ClientToken = request.ClientToken,
                PendingPollsLeft = PendingPolls,
            };
            _volumes.Add(volume);
            return Task.FromResult(volume.Id);
        }
    }

    public Task<DryRunResult> DryRunCreateVolumeAsync(string region, CreateVolumeRequest request, CancellationToken cancellationToken) =>
        DryRun("CreateVolume");

    public Task AttachVolumeAsync(string region, string volumeId, string instanceId, string device, CancellationToken cancellationToken)
    {
        Enter("AttachVolume");
        lock (_gate)
        {
            var volume = _volumes.FirstOrDefault(v => v.Region == region && v.Id == volumeId && !v.Deleted)
                ?? throw new Ec2Exception("InvalidVolume.NotFound", $"The volume '{volumeId}' does not exist.", Ec2FaultKind.NotFound);
            var instance = _instances.FirstOrDefault(i => i.Region == region && i.Id == instanceId)
                ?? throw new Ec2Exception("InvalidInstanceID.NotFound", $"The instance ID '{instanceId}' does not exist", Ec2FaultKind.NotFound);
            if (volume.AttachedTo is not null || volume.PendingPollsLeft > 0)
            {
                throw new Ec2Exception("IncorrectState", $"{volumeId} is not 'available'.", Ec2FaultKind.Permanent);
            }

            if (volume.AvailabilityZone != instance.AvailabilityZone)
            {
                throw new Ec2Exception("InvalidVolume.ZoneMismatch", "The volume is not in the same availability zone as the instance.", Ec2FaultKind.Permanent);
            }

            if (instance.Devices.ContainsKey(device))
            {
                throw new Ec2Exception("InvalidParameterValue", $"Invalid value '{device}' for unixDevice. Attachment point {device} is already in use", Ec2FaultKind.Permanent);
            }

            instance.Devices[device] = volumeId;
            volume.AttachedTo = instanceId;
            volume.Device = device;
            volume.PendingPollsLeft = PendingPolls;
            return Task.CompletedTask;
        }
    }

    public Task<DryRunResult> DryRunAttachVolumeAsync(string region, string volumeId, string instanceId, string device, CancellationToken cancellationToken) =>
        DryRun("AttachVolume");

    public Task<DeregisterResult> DeregisterImageAsync(string region, string imageId, bool keepSnapshots, CancellationToken cancellationToken)
    {
        Enter("DeregisterImage");
        lock (_gate)
        {
            var image = _images.FirstOrDefault(i => i.Region == region && i.Id == imageId && !i.Deregistered)
                ?? throw new Ec2Exception("InvalidAMIID.NotFound", $"The image id '[{imageId}]' does not exist", Ec2FaultKind.NotFound);
            image.Deregistered = true;
            var deletions = new List<SnapshotDeletion>();
            if (!keepSnapshots)
            {
                foreach (var id in image.SnapshotIds)
                {
                    _snapshots.RemoveAll(s => s.Id == id);
                    _snapshotById.Remove(id);
                    deletions.Add(new SnapshotDeletion(id, true, null));
                }
            }

            return Task.FromResult(new DeregisterResult(deletions));
        }
    }

    public Task<DryRunResult> DryRunDeregisterImageAsync(string region, string imageId, CancellationToken cancellationToken) =>
        DryRun("DeregisterImage");

    public Task DeleteSnapshotAsync(string region, string snapshotId, CancellationToken cancellationToken)
    {
        Enter("DeleteSnapshot");
        lock (_gate)
        {
            var snapshot = _snapshots.FirstOrDefault(s => s.Region == region && s.Id == snapshotId)
                ?? throw new Ec2Exception("InvalidSnapshot.NotFound", $"The snapshot '{snapshotId}' does not exist.", Ec2FaultKind.NotFound);
            if (_images.FirstOrDefault(i => !i.Deregistered && i.SnapshotIds.Contains(snapshotId)) is { } user)
            {
                throw new Ec2Exception("InvalidSnapshot.InUse", $"The snapshot {snapshotId} is currently in use by {user.Id}", Ec2FaultKind.Permanent);
            }

            _snapshots.Remove(snapshot);
            _snapshotById.Remove(snapshot.Id);
            return Task.CompletedTask;
        }
    }

    public Task<DryRunResult> DryRunDeleteSnapshotAsync(string region, string snapshotId, CancellationToken cancellationToken) =>
        DryRun("DeleteSnapshot");

    /// <summary>DryRun calls of <paramref name="action"/> answer UnauthorizedOperation from now on.</summary>
    public void Deny(string action) => _denied[action] = true;

    /// <summary>A completed snapshot of a volume, as if taken earlier (for restore tests).</summary>
    public string AddSnapshot(string region, string volumeId, int sizeGiB = 8, string? description = null, bool encrypted = false)
    {
        lock (_gate)
        {
            var snapshot = new FakeSnapshot(NewId("snap-"), region, volumeId, sizeGiB, description, 0, []) { Encrypted = encrypted };
            AddSnapshotRecord(snapshot);
            return snapshot.Id;
        }
    }

    public IReadOnlyList<FakeVolume> Volumes
    {
        get
        {
            lock (_gate)
            {
                return [.. _volumes];
            }
        }
    }

    public FakeInstance Instance(string id)
    {
        lock (_gate)
        {
            return _instances.Single(i => i.Id == id);
        }
    }

    private Task<DryRunResult> DryRun(string action)
    {
        Enter(action + ":DryRun");
        return Task.FromResult(_denied.ContainsKey(action)
            ? new DryRunResult(false, "UnauthorizedOperation", $"You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/chatbackup is not authorized to perform: ec2:{action}")
            : new DryRunResult(true, "DryRunOperation", "Request would have succeeded, but DryRun flag is set."));
    }

    public Task TagAsync(string region, IReadOnlyList<string> resourceIds, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        Enter("CreateTags");
        lock (_gate)
        {
            foreach (var id in resourceIds)
            {
                IDictionary<string, string>? target = _imageById.GetValueOrDefault(id)?.Tags
                    ?? _snapshotById.GetValueOrDefault(id)?.Tags
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

    private void AddImageRecord(FakeImage image)
    {
        _images.Add(image);
        _imageById[image.Id] = image;
        _imageNames.Add((image.Region, image.Name));
    }

    private void AddSnapshotRecord(FakeSnapshot snapshot)
    {
        _snapshots.Add(snapshot);
        _snapshotById[snapshot.Id] = snapshot;
    }

    private string NewId(string prefix) => prefix + Interlocked.Increment(ref _nextId).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);

    public sealed record FakeInstance(string Id, string Region, string State, string AvailabilityZone, Dictionary<string, string> Tags, List<string> VolumeIds)
    {
        /// <summary>Device name → volume id.</summary>
        public Dictionary<string, string> Devices { get; } = [];
    }

    public sealed record FakeVolume(string Id, string Region, int SizeGiB, string AvailabilityZone, Dictionary<string, string> Tags, string? AttachedTo)
    {
        public string? AttachedTo { get; set; } = AttachedTo;

        public string? Device { get; set; }

        public string? SnapshotId { get; init; }

        public string? VolumeType { get; init; }

        public string? ClientToken { get; init; }

        /// <summary>Describes left before a new volume is available, or an attachment attached.</summary>
        public int PendingPollsLeft { get; set; }

        public bool Deleted { get; set; }
    }

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

        public string? CopyToken { get; init; }

        public bool Encrypted { get; init; }

        public string? KmsKeyId { get; init; }

        public Dictionary<string, string> Tags { get; } = tags;

        public List<string> SnapshotIds { get; } = snapshotIds;

        public ImageState State => PendingPollsLeft > 0 ? ImageState.Pending : finalState;

        /// <summary>When a describe first reported the image finished (for notification-lag measurements).</summary>
        public DateTimeOffset? AvailableAt { get; private set; } = pendingPolls <= 0 ? DateTimeOffset.UtcNow : null;

        public void Tick()
        {
            PendingPollsLeft = Math.Max(0, PendingPollsLeft - 1);
            AvailableAt ??= PendingPollsLeft == 0 ? DateTimeOffset.UtcNow : null;
        }

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

        public bool Encrypted { get; init; }

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
            Id, VolumeId, State, Progress, SizeGiB, StartedAt, description, Encrypted, new Dictionary<string, string>(Tags));

        public DateTimeOffset StartedAt { get; init; } = DateTimeOffset.UtcNow;
    }
}
