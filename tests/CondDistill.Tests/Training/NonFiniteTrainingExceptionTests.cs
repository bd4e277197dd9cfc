using CondDistill.Training;

namespace CondDistill.Tests.Training;

public sealed class NonFiniteTrainingExceptionTests
{
    [Fact]
    public void FiniteValuesPass() => NonFiniteTrainingException.ThrowIfNotFinite(5, 0.14, 3.2, "/runs/a/checkpoints/latest.safetensors");

    [Theory]
    [InlineData(double.NaN, 1.0)]
    [InlineData(0.1, double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity, double.NaN)]
    public void NaNOrInfinityStopsNamingTheStepTheValuesAndTheUntouchedCheckpoint(double loss, double norm)
    {
        var e = Assert.Throws<NonFiniteTrainingException>(() => NonFiniteTrainingException.ThrowIfNotFinite(12588, loss, norm, "/runs/a/checkpoints/latest.safetensors"));
        Assert.Equal(12588, e.Step);
        Assert.StartsWith("training step 12588: loss ", e.Message);
        Assert.Contains("/runs/a/checkpoints/latest.safetensors still holds the last good state", e.Message);
        Assert.Contains("condistill doctor", e.Message);
        Assert.IsAssignableFrom<InvalidOperationException>(e); // the CLI prints these as errors
    }
}
