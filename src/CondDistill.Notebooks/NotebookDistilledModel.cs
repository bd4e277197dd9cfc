using CondDistill.Diffusion;
using CondDistill.Experiments;
using static TorchSharp.torch;

namespace CondDistill.Notebooks;

/// <summary>
/// A distilled conditional model a notebook samples, with its provenance: either a shipped checkpoint
/// or a short CoDi run trained by the notebook itself (<see cref="Description"/> says which).
/// </summary>
/// <param name="Model">The loaded model (EMA weights) with its metadata.</param>
/// <param name="IsShipped">True when the weights are the shipped checkpoint.</param>
/// <param name="TrainSteps">Training steps of the weights (the shipped file's recorded step, or the notebook run's steps).</param>
/// <param name="Run">The notebook's run folder when it trained the model; null for shipped weights.</param>
/// <param name="Description">One line saying which weights are used.</param>
public sealed record NotebookDistilledModel(TrainedConditionalModel Model, bool IsShipped, long? TrainSteps, RunFolder? Run, string Description) : IDisposable
{
    /// <summary>The model with <paramref name="condition"/> bound, as the samplers drive it.</summary>
    public VelocityModel SamplingModel(Tensor condition, NoiseSchedule schedule) => Model.SamplingModel(condition, schedule);

    /// <inheritdoc/>
    public override string ToString() => Description;

    /// <summary>Releases the network.</summary>
    public void Dispose() => Model.Dispose();
}
