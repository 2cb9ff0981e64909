using ChatBackup.Aws.Ec2;
using ChatBackup.Core.Ec2;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatBackup.UnitTests.Aws;

public sealed class AwsOptionsTests
{
    private static readonly AwsOptionsValidator Validator = new();

    [Fact]
    public void Validate_AcceptsNoConfigurationAtAll() =>
        Assert.True(Validator.Validate(null, new AwsOptions()).Succeeded);

    [Fact]
    public void Validate_AcceptsKnownAllowedRegionsAndAnAllowedDefault() =>
        Assert.True(Validator.Validate(null, new AwsOptions { DefaultRegion = "eu-west-1", AllowedRegions = ["eu-west-1", "eu-central-1"] }).Succeeded);

    [Fact]
    public void Validate_NamesTheIndexOfAnUnknownAllowedRegion()
    {
        var result = Validator.Validate(null, new AwsOptions { AllowedRegions = ["eu-west-1", "eu-wst-1"] });

        Assert.True(result.Failed);
        Assert.Equal(["Aws:AllowedRegions:1 'eu-wst-1' is not a known AWS region"], result.Failures);
    }

    [Fact]
    public void Validate_RejectsAnUnknownDefaultRegion()
    {
        var result = Validator.Validate(null, new AwsOptions { DefaultRegion = "mars-north-1" });

        Assert.Equal(["Aws:DefaultRegion 'mars-north-1' is not a known AWS region"], result.Failures);
    }

    [Fact]
    public void Validate_RejectsADefaultRegionThatIsNotAllowed()
    {
        var result = Validator.Validate(null, new AwsOptions { DefaultRegion = "us-east-1", AllowedRegions = ["eu-west-1"] });

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Aws:DefaultRegion 'us-east-1' is not one of Aws:AllowedRegions", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void IsAllowed_MeansAnyKnownRegion_WhenTheListIsEmpty()
    {
        Assert.True(new AwsOptions().IsAllowed("ap-southeast-2"));
        Assert.False(new AwsOptions().IsAllowed("ap-southeast-99"));
        Assert.False(new AwsOptions { AllowedRegions = ["eu-west-1"] }.IsAllowed("us-east-1"));
    }

    [Fact]
    public void AddAws_FailsOnBadConfiguration_NamingTheKey()
    {
        using var services = Build(new() { ["Aws:AllowedRegions:0"] = "eu-wst-1" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AwsOptions>>().Value);

        Assert.Contains("Aws:AllowedRegions:0 'eu-wst-1' is not a known AWS region", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddAws_RegistersTheGatewayAndTheDefaults()
    {
        using var services = Build(new() { ["Aws:DefaultRegion"] = "eu-west-1" });

        Assert.IsType<Ec2Gateway>(services.GetRequiredService<IEc2Gateway>());
        Assert.Same(services.GetRequiredService<Ec2ClientFactory>(), services.GetRequiredService<Ec2ClientFactory>());
        Assert.Equal("eu-west-1", services.GetRequiredService<RegionDefaults>().DefaultRegion);
    }

    [Fact]
    public void RequireDefaultRegion_NamesTheKey_WhenNoRegionIsKnown()
    {
        var defaults = new RegionDefaults(Options.Create(new AwsOptions { DefaultRegion = "eu-west-1" }));

        Assert.Equal("eu-west-1", defaults.RequireDefaultRegion());
        Assert.Contains("Aws:DefaultRegion", Assert.Throws<InvalidOperationException>(() => new RegionDefaults(Options.Create(new AwsOptions()), _ => null, () => null).RequireDefaultRegion()).Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddAws()
            .BuildServiceProvider();
    }
}
