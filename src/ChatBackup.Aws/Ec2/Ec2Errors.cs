using System.Net;
using Amazon.Runtime;
using ChatBackup.Core.Ec2;

namespace ChatBackup.Aws.Ec2;

/// <summary>The one place that turns SDK failures into <see cref="Ec2Exception"/> kinds.</summary>
/// <remarks>Codes: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html</remarks>
internal static class Ec2Errors
{
    /// <summary>Code used when the failure carries no EC2 code (network, timeout).</summary>
    public const string NetworkCode = "NetworkError";

    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "RequestLimitExceeded", "Throttling", "ThrottlingException", "RequestThrottled",
    };

    // Credential problems are listed with permission problems: retrying will not fix either,
    // and both need an operator rather than the requester.
    private static readonly HashSet<string> UnauthorizedCodes = new(StringComparer.Ordinal)
    {
        "UnauthorizedOperation", "AuthFailure", "OptInRequired", "Blocked",
        "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken", "AccessDenied",
    };

    private static readonly HashSet<string> TransientCodes = new(StringComparer.Ordinal)
    {
        "InternalError", "InternalFailure", "Unavailable", "ServiceUnavailable",
    };

    public static Ec2FaultKind Classify(string? code, HttpStatusCode? status)
    {
        if (code is not null)
        {
            if (ThrottlingCodes.Contains(code))
            {
                return Ec2FaultKind.Throttled;
            }

            if (UnauthorizedCodes.Contains(code))
            {
                return Ec2FaultKind.Unauthorized;
            }

            if (code.EndsWith(".NotFound", StringComparison.Ordinal))
            {
                return Ec2FaultKind.NotFound;
            }

            if (TransientCodes.Contains(code))
            {
                return Ec2FaultKind.Transient;
            }
        }

        return status is >= HttpStatusCode.InternalServerError ? Ec2FaultKind.Transient : Ec2FaultKind.Permanent;
    }

    /// <summary>Null when <paramref name="exception"/> is not an SDK or network failure.</summary>
    public static Ec2Exception? Translate(Exception exception) => exception switch
    {
        AmazonServiceException service when !string.IsNullOrEmpty(service.ErrorCode) =>
            new Ec2Exception(service.ErrorCode, service.Message, Classify(service.ErrorCode, service.StatusCode), service),
        AmazonServiceException service =>
            new Ec2Exception(((int)service.StatusCode).ToString(), service.Message, Classify(null, service.StatusCode), service),
        AmazonClientException or HttpRequestException or IOException =>
            new Ec2Exception(NetworkCode, exception.Message, Ec2FaultKind.Transient, exception),
        _ => null,
    };
}
