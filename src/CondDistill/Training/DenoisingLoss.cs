using CondDistill.Diffusion;
using TorchSharp;

namespace CondDistill.Training;

/// <summary>The ordinary diffusion loss of a v-prediction network (pretraining and conditional fine-tuning).</summary>
public static class DenoisingLoss
{
    /// <summary>
    /// Mean squared error between the prediction for z_t = alpha_t x + sigma_t eps and the true
    /// v = alpha_t eps - sigma_t x.
    /// </summary>
    /// <param name="predict">The network: (z_t, t) -> v prediction.</param>
    /// <param name="schedule">Noise schedule.</param>
    /// <param name="x">Clean images [B, C, H, W].</param>
    /// <param name="t">Timesteps, int64 [B].</param>
    /// <param name="eps">Noise, same shape as x.</param>
    public static torch.Tensor VPrediction(VelocityModel predict, NoiseSchedule schedule, torch.Tensor x, torch.Tensor t, torch.Tensor eps)
    {
        var (alpha, sigma) = schedule.Gather(t);
        var z = Parameterization.Diffuse(x, eps, alpha, sigma);
        var target = Parameterization.VFromXEps(x, eps, alpha, sigma);
        return torch.nn.functional.mse_loss(predict(z, t), target);
    }
}
