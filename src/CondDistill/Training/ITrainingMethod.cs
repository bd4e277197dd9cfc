using CondDistill.Diffusion;
using CondDistill.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CondDistill.Training;

/// <summary>
/// A training objective packaged for a shared training loop: the model that learns, the parameters
/// the optimiser sees, their EMA, the per-batch loss and what to sample at validation. A loop runs
/// any method the same way:
/// <code>
/// using var scope = torch.NewDisposeScope();
/// optimizer.zero_grad();
/// var terms = method.Loss(x, c, generator);
/// terms.Total.backward();
/// nn.utils.clip_grad_norm_(method.TrainableParameters.Select(p => p.Parameter), maxGradNorm);
/// optimizer.step();
/// method.AfterOptimizerStep();
/// </code>
/// Checkpoints hold <c>Student.Module</c>, <see cref="Ema"/> and the optimiser; after loading them
/// call <see cref="AfterStateLoaded"/> so copies derived from the EMA (the CM-II target) follow.
/// </summary>
public interface ITrainingMethod : IDisposable
{
    /// <summary>Short name for run folders and tables, e.g. "finetune-controlnet", "cm-ii-frozen", "gd-ii-8to4".</summary>
    string Name { get; }

    /// <summary>The model that trains (the one to evaluate and to save).</summary>
    IConditionalDenoiser Student { get; }

    /// <summary>The parameters the optimiser updates, with their state-dict names (all require gradients).</summary>
    IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters { get; }

    /// <summary>The exponential moving average of <see cref="TrainableParameters"/>.</summary>
    Ema Ema { get; }

    /// <summary>
    /// The loss of one batch: clean images x [B, C, H, W] and conditions c [B, Cc, H, W] (same device).
    /// All randomness (timesteps, noise) is drawn from <paramref name="generator"/> (a CPU generator)
    /// in a documented order, so a batch's loss is reproducible from the generator's state.
    /// </summary>
    LossTerms Loss(Tensor x, Tensor c, Generator generator);

    /// <summary>Bookkeeping after each optimiser step: the EMA update (and anything derived from it).</summary>
    void AfterOptimizerStep();

    /// <summary>Re-derives state that follows the EMA after the student and EMA were loaded from a checkpoint.</summary>
    void AfterStateLoaded();

    /// <summary>The samplers to validate this method with (e.g. DDIM 50 and 4 for fine-tuning).</summary>
    IReadOnlyList<SamplerSpec> ValidationSamplers { get; }

    /// <summary>
    /// The student with <paramref name="condition"/> bound, as the <see cref="VelocityModel"/> the
    /// samplers drive. For methods whose output is not the plain v-prediction (CM-II's consistency
    /// function) this returns the v whose x estimate is that output.
    /// </summary>
    VelocityModel SamplingModel(Tensor condition);
}
