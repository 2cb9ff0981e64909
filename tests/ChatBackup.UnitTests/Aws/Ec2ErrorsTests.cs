using System.Net;
using Amazon.EC2;
using Amazon.Runtime;
using ChatBackup.Aws.Ec2;
using ChatBackup.Core.Ec2;

namespace ChatBackup.UnitTests.Aws;

public sealed class Ec2ErrorsTests
{
    [Theory]
    [InlineData("RequestLimitExceeded", HttpStatusCode.ServiceUnavailable, Ec2FaultKind.Throttled)]
    [InlineData("Throttling", HttpStatusCode.BadRequest, Ec2FaultKind.Throttled)]
    [InlineData("UnauthorizedOperation", HttpStatusCode.Forbidden, Ec2FaultKind.Unauthorized)]
    [InlineData("AuthFailure", HttpStatusCode.Unauthorized, Ec2FaultKind.Unauthorized)]
    [InlineData("OptInRequired", HttpStatusCode.Forbidden, Ec2FaultKind.Unauthorized)]
    [InlineData("Blocked", HttpStatusCode.Forbidden, Ec2FaultKind.Unauthorized)]
    [InlineData("InvalidInstanceID.NotFound", HttpStatusCode.BadRequest, Ec2FaultKind.NotFound)]
    [InlineData("InvalidSnapshot.NotFound", HttpStatusCode.BadRequest, Ec2FaultKind.NotFound)]
    [InlineData("InvalidInstanceID.Malformed", HttpStatusCode.BadRequest, Ec2FaultKind.Permanent)]
    [InlineData("InvalidAMIName.Duplicate", HttpStatusCode.BadRequest, Ec2FaultKind.Permanent)]
    [InlineData("IncorrectState", HttpStatusCode.BadRequest, Ec2FaultKind.Permanent)]
    [InlineData("ConcurrentSnapshotLimitExceeded", HttpStatusCode.BadRequest, Ec2FaultKind.Permanent)]
    [InlineData("InternalError", HttpStatusCode.InternalServerError, Ec2FaultKind.Transient)]
    [InlineData("Unavailable", HttpStatusCode.ServiceUnavailable, Ec2FaultKind.Transient)]
    [InlineData("SomethingNew", HttpStatusCode.BadGateway, Ec2FaultKind.Transient)]
    [InlineData("SomethingNew", HttpStatusCode.BadRequest, Ec2FaultKind.Permanent)]
    [InlineData(null, HttpStatusCode.InternalServerError, Ec2FaultKind.Transient)]
    [InlineData(null, HttpStatusCode.BadRequest, Ec2FaultKind.Permanent)]
    public void Classify_MapsCodeAndStatusToKind(string? code, HttpStatusCode status, Ec2FaultKind expected) =>
        Assert.Equal(expected, Ec2Errors.Classify(code, status));

    [Fact]
    public void Classify_DoesNotTreatNotFoundAsASuffixOfAnotherWord() =>
        Assert.Equal(Ec2FaultKind.Permanent, Ec2Errors.Classify("ResourceNotFound", HttpStatusCode.BadRequest));

    [Fact]
    public void Translate_KeepsEc2sCodeMessageAndCause()
    {
        var sdk = new AmazonEC2Exception("The instance ID 'i-0123456789abcdef0' does not exist", ErrorType.Sender,
            "InvalidInstanceID.NotFound", "req-1", HttpStatusCode.BadRequest);

        var translated = Ec2Errors.Translate(sdk);

        Assert.NotNull(translated);
        Assert.Equal("InvalidInstanceID.NotFound", translated.Code);
        Assert.Equal(Ec2FaultKind.NotFound, translated.Kind);
        Assert.Contains("does not exist", translated.Message, StringComparison.Ordinal);
        Assert.Same(sdk, translated.InnerException);
    }

    [Fact]
    public void Translate_ThrottlingIsRetryable_PermissionIsNot()
    {
        var throttled = Ec2Errors.Translate(new AmazonEC2Exception("slow down", ErrorType.Sender, "RequestLimitExceeded", "r", HttpStatusCode.ServiceUnavailable));
        var denied = Ec2Errors.Translate(new AmazonEC2Exception("no", ErrorType.Sender, "UnauthorizedOperation", "r", HttpStatusCode.Forbidden));

        Assert.True(throttled!.IsRetryable);
        Assert.False(denied!.IsRetryable);
        Assert.Equal(Ec2FaultKind.Unauthorized, denied.Kind);
    }

    [Fact]
    public void Translate_UsesTheStatus_WhenTheServiceGaveNoCode()
    {
        var translated = Ec2Errors.Translate(new AmazonServiceException("bad gateway", null, ErrorType.Unknown, null, null, HttpStatusCode.BadGateway));

        Assert.Equal("502", translated!.Code);
        Assert.Equal(Ec2FaultKind.Transient, translated.Kind);
    }

    [Fact]
    public void Translate_NetworkFailuresAreTransient()
    {
        foreach (var failure in new Exception[] { new AmazonClientException("connection reset"), new HttpRequestException("refused"), new IOException("broken pipe") })
        {
            var translated = Ec2Errors.Translate(failure);

            Assert.Equal(Ec2Errors.NetworkCode, translated!.Code);
            Assert.Equal(Ec2FaultKind.Transient, translated.Kind);
        }
    }

    [Fact]
    public void Translate_LeavesOtherExceptionsAlone() =>
        Assert.Null(Ec2Errors.Translate(new InvalidOperationException("a bug")));
}
