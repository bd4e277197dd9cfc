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
    public void ParseModeReadsAutoOnAndOff(string? value, OneDnnMode expected) => Assert.Equal(expected, OneDnn.ParseMode(value));

    [Fact]
    public void AnyOtherModeIsRefusedNamingTheVariableAndTheFix()
    {
        var e = Assert.Throws<ArgumentException>(() => OneDnn.ParseMode("false"));
        Assert.Contains("CONDISTILL_ONEDNN='false'", e.Message);
        Assert.Contains("auto, on, off", e.Message);
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

    [Fact]
    public void TheStatusNamesThePathTheSwitchIsOn()
    {
        if (!OneDnn.IsSwitchable) return;
        string status = OneDnn.Status;
        Assert.NotEqual("not yet decided", status);
        if (status.StartsWith("oneDNN", StringComparison.Ordinal)) Assert.True(OneDnn.Enabled, status);
        else if (status.StartsWith("reference convolutions", StringComparison.Ordinal)) Assert.False(OneDnn.Enabled, status);
        else Assert.Fail($"unexpected status '{status}'");
    }
}
