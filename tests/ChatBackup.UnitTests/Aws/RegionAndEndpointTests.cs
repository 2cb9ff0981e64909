using Amazon;
using ChatBackup.Aws.Ec2;

namespace ChatBackup.UnitTests.Aws;

public sealed class RegionAndEndpointTests
{
    [Fact]
    public void DefaultRegion_PrefersConfiguration()
    {
        var region = RegionDefaults.Resolve(new AwsOptions { DefaultRegion = "eu-west-1" }, Env(("AWS_REGION", "us-east-1")), () => "ap-south-1");

        Assert.Equal("eu-west-1", region);
    }

    [Fact]
    public void DefaultRegion_FallsBackToTheEnvironment_AwsRegionFirst()
    {
        Assert.Equal("us-east-2", RegionDefaults.Resolve(new AwsOptions(), Env(("AWS_REGION", "us-east-2"), ("AWS_DEFAULT_REGION", "us-west-1")), () => null));
        Assert.Equal("us-west-1", RegionDefaults.Resolve(new AwsOptions(), Env(("AWS_DEFAULT_REGION", "us-west-1")), () => null));
    }

    [Fact]
    public void DefaultRegion_ThenTheSdkChain_ThenNothing()
    {
        Assert.Equal("ap-south-1", RegionDefaults.Resolve(new AwsOptions(), Env(), () => "ap-south-1"));
        Assert.Null(RegionDefaults.Resolve(new AwsOptions(), Env(), () => null));
    }

    [Fact]
    public void Endpoint_PrefersTheEc2SpecificVariable()
    {
        Assert.Equal("http://ec2.local:5000", Ec2ClientFactory.EndpointFromEnvironment(
            Env(("AWS_ENDPOINT_URL_EC2", "http://ec2.local:5000"), ("AWS_ENDPOINT_URL", "http://all.local:4566"))));
        Assert.Equal("http://all.local:4566", Ec2ClientFactory.EndpointFromEnvironment(Env(("AWS_ENDPOINT_URL", "http://all.local:4566"))));
        Assert.Null(Ec2ClientFactory.EndpointFromEnvironment(Env(("AWS_ENDPOINT_URL_EC2", "  "))));
    }

    [Fact]
    public void Factory_WithAnEndpoint_SignsForTheRequestedRegion()
    {
        var config = Ec2ClientFactory.CreateConfig("eu-central-1", "http://127.0.0.1:5000");

        Assert.Equal("http://127.0.0.1:5000", config.ServiceURL.TrimEnd('/'));
        Assert.Equal("eu-central-1", config.AuthenticationRegion);
        Assert.Equal(Amazon.Runtime.RequestRetryMode.Standard, config.RetryMode);
        Assert.Equal(3, config.MaxErrorRetry);
        Assert.Equal(TimeSpan.FromSeconds(30), config.Timeout);
    }

    [Fact]
    public void Factory_WithoutAnEndpoint_UsesTheRegionsEndpoint()
    {
        var config = Ec2ClientFactory.CreateConfig("sa-east-1", serviceUrl: null);

        Assert.Equal(RegionEndpoint.SAEast1, config.RegionEndpoint);
        Assert.Null(config.ServiceURL);
    }

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;
}
