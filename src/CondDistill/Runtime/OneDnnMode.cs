namespace CondDistill.Runtime;

/// <summary>Whether libtorch may use oneDNN for CPU convolutions, as chosen with <see cref="OneDnn.ModeVariable"/>.</summary>
public enum OneDnnMode
{
    /// <summary>
    /// The default: oneDNN unless <see cref="OneDnnConvolutionCheck"/> finds it wrong on this machine;
    /// then <see cref="ConvolutionPath.OneDnnForwardKernels"/> if that passes the check, else the reference convolutions.
    /// </summary>
    Auto,

    /// <summary>oneDNN always, without the check.</summary>
    On,

    /// <summary>oneDNN with input gradients as forward convolutions (<see cref="ConvolutionPath.OneDnnForwardKernels"/>) always, without the check.</summary>
    ForwardKernels,

    /// <summary>libtorch's reference convolutions always (correct everywhere, several times slower).</summary>
    Off,
}
