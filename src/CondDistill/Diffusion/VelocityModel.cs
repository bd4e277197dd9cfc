using TorchSharp;

namespace CondDistill.Diffusion;

/// <summary>
/// A denoiser as samplers see it: given noisy images <c>z</c> of shape [B, C, H, W] and integer
/// timesteps <c>t</c> of shape [B] (int64, 0..T-1), returns the v-prediction
/// v = alpha_t * eps - sigma_t * x of the same shape as <c>z</c>. Any condition is captured by the
/// closure, so samplers never know which network (or oracle) they drive.
/// </summary>
public delegate torch.Tensor VelocityModel(torch.Tensor z, torch.Tensor t);
