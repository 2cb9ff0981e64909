using Amazon.EC2;
using Amazon.EC2.Model;

namespace ChatBackup.Testing.Moto;

/// <summary>Puts resources into moto through the SDK, the way an operator's fleet would look.</summary>
public static class MotoSeed
{
    /// <summary>Launches one t2.micro tagged <c>Name</c>=<paramref name="name"/> from one of moto's Amazon images.</summary>
    public static async Task<string> RunInstanceAsync(IAmazonEC2 client, string name, string? availabilityZone = null, CancellationToken cancellationToken = default)
    {
        var images = await client.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["amazon"] }, cancellationToken);
        var image = images.Images?.FirstOrDefault()
            ?? throw new InvalidOperationException("moto offers no image owned by amazon in this region");

        var request = new RunInstancesRequest
        {
            ImageId = image.ImageId,
            InstanceType = InstanceType.T2Micro,
            MinCount = 1,
            MaxCount = 1,
            TagSpecifications =
            [
                new TagSpecification { ResourceType = ResourceType.Instance, Tags = [new Tag("Name", name)] },
            ],
        };
        if (availabilityZone is not null)
        {
            request.Placement = new Placement { AvailabilityZone = availabilityZone };
        }

        var response = await client.RunInstancesAsync(request, cancellationToken);
        return response.Reservation.Instances[0].InstanceId;
    }

    public static async Task<string> CreateVolumeAsync(IAmazonEC2 client, string availabilityZone, int sizeGiB, CancellationToken cancellationToken = default)
    {
        var response = await client.CreateVolumeAsync(
            new CreateVolumeRequest { AvailabilityZone = availabilityZone, Size = sizeGiB, VolumeType = VolumeType.Gp3 },
            cancellationToken);
        return response.Volume.VolumeId;
    }
}
