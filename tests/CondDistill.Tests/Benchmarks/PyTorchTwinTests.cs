using CondDistill.Benchmarks;
using CondDistill.Models;

namespace CondDistill.Tests.Benchmarks;

public sealed class PyTorchTwinTests
{
    private static readonly TrainingStepOptions TinyStep = new(UNetConfig.Tiny, BatchSize: 2, WarmUpSteps: 0, TimedSteps: 1, LeakToStep: 0);

    [Fact]
    public void ParsesTheTwinsJsonLine()
    {
        var result = PyTorchTwin.ParseOutput("noise\n{\"median_ms\": 61.5, \"step_ms\": [60.0, 61.5, 70.25], \"threads\": 2, \"torch_version\": \"1.13.0a0\"}\n", "cmd");
        Assert.True(result.Available);
        Assert.Equal(61.5, result.MedianMilliseconds);
        Assert.Equal([60.0, 61.5, 70.25], result.StepMilliseconds);
        Assert.Equal(("1.13.0a0", 2), (result.TorchVersion, result.Threads));
        Assert.Null(result.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Traceback (most recent call last):")]
    [InlineData("{\"step_ms\": []}")]
    public void UnparsableOutputIsUnavailableAndQuoted(string stdout)
    {
        var result = PyTorchTwin.ParseOutput(stdout, "cmd");
        Assert.False(result.Available);
        Assert.Null(result.MedianMilliseconds);
        Assert.Contains("PyTorch twin", result.Message);
    }

    [Fact]
    public void MissingPythonSaysHowToInstall()
    {
        var result = PyTorchTwin.Run("/nonexistent/python3", PyTorchTwin.LocateScript(), TinyStep, 1, TimeSpan.FromMinutes(1));
        Assert.False(result.Available);
        Assert.Contains("apt-get install python3-torch", result.Message);
    }

    [Fact]
    public void ArgumentsCarryTheStepSettings()
    {
        var arguments = PyTorchTwin.Arguments("twin.py", TinyStep, 3);
        string Value(string flag) => arguments[arguments.ToList().IndexOf(flag) + 1];
        Assert.Equal("twin.py", arguments[0]);
        Assert.Equal(("3", "1", "0", "2"), (Value("--threads"), Value("--steps"), Value("--warmup"), Value("--batch")));
        Assert.Equal(UNetConfig.Tiny.ToJson(), Value("--config"));
        Assert.Equal(("0.0004", "1", "0.999", "1"), (Value("--lr"), Value("--max-grad-norm"), Value("--ema-decay"), Value("--ema-warmup")));
    }
}
