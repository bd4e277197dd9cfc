using CondDistill.Runtime;

namespace CondDistill.Tests.Runtime;

/// <summary>Sets <see cref="OneDnn.Path"/> for one test and restores the library's choice after (tests in <see cref="OneDnnSwitchCollection"/> only).</summary>
internal sealed class ConvolutionPathOverride : IDisposable
{
    private readonly ConvolutionPath original = OneDnn.Path;

    public ConvolutionPathOverride(ConvolutionPath path)
    {
        if (OneDnn.IsSwitchable) OneDnn.Path = path;
    }

    public void Dispose()
    {
        if (OneDnn.IsSwitchable) OneDnn.Path = original;
    }
}
