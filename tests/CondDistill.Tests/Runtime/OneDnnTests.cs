using CondDistill.Runtime;

namespace CondDistill.Tests.Runtime;

[Collection(OneDnnSwitchCollection.Name)]
public sealed class OneDnnTests
{
    [Theory]
    [InlineData(null, OneDnnMode.Auto)]
    [InlineData("", OneDnnMode.Auto)]
    [InlineData("auto", OneDnnMode.Auto)]
    [InlineData(" ON ", OneDnnMode.On)]
    [InlineData("off", OneDnnMode.Off)]
    [InlineData("Forward-Kernels", OneDnnMode.ForwardKernels)]
    public void ParseModeReadsEveryMode(string? value, OneDnnMode expected) => Assert.Equal(expected, OneDnn.ParseMode(value));

    [Fact]
    public void AnyOtherModeIsRefusedNamingTheVariableAndTheFix()
    {
        var e = Assert.Throws<ArgumentException>(() => OneDnn.ParseMode("false"));
        Assert.Contains("CONDISTILL_ONEDNN='false'", e.Message);
        Assert.Contains("auto, on, forward-kernels, off", e.Message);
        Assert.Contains("Fix:", e.Message);
    }

    [Fact]
    public void TheSwitchIsReachableOnLinuxAndReadsBackWhatWasSet()
    {
        if (!OperatingSystem.IsLinux()) return;
        Assert.True(OneDnn.IsSwitchable);
        bool original = OneDnn.Enabled;
        try
        {
            OneDnn.Enabled = false;
            Assert.False(OneDnn.Enabled);
            OneDnn.Enabled = true;
            Assert.True(OneDnn.Enabled);
        }
        finally { OneDnn.Enabled = original; }
    }

    [Theory]
    [InlineData(ConvolutionPath.Reference, false, false)]
    [InlineData(ConvolutionPath.OneDnnForwardKernels, true, false)]
    [InlineData(ConvolutionPath.OneDnn, true, true)]
    public void SettingThePathSetsTheSwitches(ConvolutionPath path, bool enabled, bool nnpack)
    {
        if (!OneDnn.IsSwitchable) return;
        var original = OneDnn.Path;
        try
        {
            OneDnn.Path = path;
            Assert.Equal(path, OneDnn.Path);
            Assert.Equal(enabled, OneDnn.Enabled);
            Assert.Equal(nnpack, OneDnn.NnpackEnabled);
            OneDnn.Enabled = !enabled;
            OneDnn.Enabled = enabled;
            Assert.Equal(nnpack, OneDnn.NnpackEnabled);
        }
        finally { OneDnn.Path = original; }
    }

    [Fact]
    public void TheStatusNamesThePathInUse()
    {
        if (!OneDnn.IsSwitchable) return;
        string status = OneDnn.Status;
        Assert.NotEqual("not yet decided", status);
        if (status.StartsWith(OneDnn.ForwardKernelsName, StringComparison.Ordinal)) Assert.Equal(ConvolutionPath.OneDnnForwardKernels, OneDnn.Path);
        else if (status.StartsWith("oneDNN", StringComparison.Ordinal)) Assert.Equal(ConvolutionPath.OneDnn, OneDnn.Path);
        else if (status.StartsWith("reference convolutions", StringComparison.Ordinal)) Assert.Equal(ConvolutionPath.Reference, OneDnn.Path);
        else Assert.Fail($"unexpected status '{status}'");
        Assert.Equal(OneDnn.Path != ConvolutionPath.Reference, OneDnn.Enabled);
    }
}
