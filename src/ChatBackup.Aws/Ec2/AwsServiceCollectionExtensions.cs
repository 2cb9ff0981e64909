using ChatBackup.Core.Ec2;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ChatBackup.Aws.Ec2;

public static class AwsServiceCollectionExtensions
{
    /// <summary>Registers <see cref="AwsOptions"/>, <see cref="Ec2ClientFactory"/>, <see cref="RegionDefaults"/> and <see cref="IEc2Gateway"/>.</summary>
    public static IServiceCollection AddAws(this IServiceCollection services)
    {
        services.AddOptions<AwsOptions>()
            .BindConfiguration(AwsOptions.Section)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AwsOptions>, AwsOptionsValidator>());

        // TryAdd lets tests register a factory pointed at moto before calling AddAws.
        services.TryAddSingleton(_ => new Ec2ClientFactory());
        services.TryAddSingleton<RegionDefaults>();
        services.TryAddSingleton<IEc2Gateway, Ec2Gateway>();
        return services;
    }
}
