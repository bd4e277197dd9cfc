namespace CondDistill.Runtime;

/// <summary>Whether libtorch may use oneDNN for CPU convolutions, as chosen with <see cref="OneDnn.ModeVariable"/>.</summary>
public enum OneDnnMode
{
    /// <summary>The default: oneDNN unless <see cref="OneDnnConvolutionCheck"/> finds it wrong on this machine.</summary>
    Auto,

    /// <summary>oneDNN always, without the check.</summary>
    On,

    /// <summary>libtorch's reference convolutions always (correct everywhere, several times slower).</summary>
    Off,
}
