using ChatBackup.Core.Ec2;

namespace ChatBackup.UnitTests.Aws;

public sealed class Ec2ErrorAdviceTests
{
    [Theory]
    [InlineData("InvalidInstanceID.NotFound")]
    [InlineData("IncorrectInstanceState")]
    [InlineData("InvalidAMIName.Duplicate")]
    [InlineData("UnauthorizedOperation")]
    [InlineData("RequestLimitExceeded")]
    [InlineData("ConcurrentSnapshotLimitExceeded")]
    [InlineData("InvalidVolume.NotFound")]
    [InlineData("IncorrectState")]
    [InlineData("ResourceLimitExceeded")]
    [InlineData("InvalidSnapshot.InUse")]
    public void For_GivesSpecificAdvice_ForCommonCodes(string code)
    {
        var advice = Ec2ErrorAdvice.For(code);

        Assert.NotEqual(Ec2ErrorAdvice.Generic, advice);
        Assert.EndsWith(".", advice, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SomethingNobodyHasSeen")]
    [InlineData(null)]
    public void For_FallsBackToGenericAdvice(string? code) =>
        Assert.Equal(Ec2ErrorAdvice.Generic, Ec2ErrorAdvice.For(code));
}
