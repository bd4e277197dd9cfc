using CondDistill.Diffusion;
using static TorchSharp.torch;

namespace CondDistill.Tests.Training.CoDi;

/// <summary>Closed-form velocity models that record how they were called.</summary>
internal sealed class VelocitySpy
{
    private readonly Func<Tensor, Tensor, Tensor> velocity;

    /// <summary>A spy returning <paramref name="velocity"/>(z, t).</summary>
    public VelocitySpy(Func<Tensor, Tensor, Tensor> velocity) => this.velocity = velocity;

    /// <summary>v = a z + b (no parameters).</summary>
    public static VelocitySpy Affine(double a, double b) => new((z, _) => a * z + b);

    public int Calls { get; private set; }

    public List<Tensor> Inputs { get; } = [];

    public List<Tensor> Timesteps { get; } = [];

    public List<bool> GradEnabled { get; } = [];

    public VelocityModel Model => (z, t) =>
    {
        Calls++;
        Inputs.Add(z.detach().clone().DetachFromDisposeScope());
        Timesteps.Add(t.clone().DetachFromDisposeScope());
        GradEnabled.Add(is_grad_enabled());
        return velocity(z, t);
    };
}
