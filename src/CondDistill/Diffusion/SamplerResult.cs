using static TorchSharp.torch;

namespace CondDistill.Diffusion;

/// <summary>
/// What a sampler returns: the final clean-sample estimate x_hat [B, C, H, W] (owned by the caller,
/// attached to the caller's dispose scope if there is one), the number of network evaluations
/// (calls of the <see cref="VelocityModel"/>, each on the whole batch), and the timesteps visited.
/// </summary>
/// <param name="Samples">The final x_hat, clamped to [-1, 1] only if the caller asked for it.</param>
/// <param name="NetworkEvaluations">Model calls made (NFE), for latency and step-count reports.</param>
/// <param name="Timesteps">The timesteps the model was evaluated at, in order.</param>
public sealed record SamplerResult(Tensor Samples, int NetworkEvaluations, IReadOnlyList<int> Timesteps);
