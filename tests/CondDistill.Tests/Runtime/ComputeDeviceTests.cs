using CondDistill.Runtime;
using TorchSharp;

namespace CondDistill.Tests.Runtime;

public sealed class ComputeDeviceTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("cpu")]
    [InlineData(" CPU ")]
    public void CpuNamesResolveToCpu(string? name) => Assert.Equal(DeviceType.CPU, ComputeDevice.Resolve(name).type);

    [Fact]
    public void UnknownNameIsRejectedWithTheAllowedValues()
    {
        var error = Assert.Throws<ArgumentException>(() => ComputeDevice.Resolve("tpu"));
        Assert.Contains("'cpu', 'cuda', 'cuda:N'", error.Message);
    }

    [Fact]
    public void CudaWithoutCudaExplainsHowToGetIt()
    {
        if (ComputeDevice.IsCudaAvailable()) return; // this test is about CPU-only builds
        var error = Assert.Throws<InvalidOperationException>(() => ComputeDevice.Resolve("cuda"));
        Assert.Contains("-p:TorchDevice=cuda", error.Message);
    }

    [Fact]
    public void FirstTorchCallIsAModuleConstructor()
    {
        // The module initializer must have loaded the natives before any TorchSharp call.
        using var linear = torch.nn.Linear(3, 2);
        using var y = linear.call(torch.ones(1, 3));
        Assert.Equal(new long[] { 1, 2 }, y.shape);
    }
}
