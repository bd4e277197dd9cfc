using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CondDistill.Models;

/// <summary>
/// A conditional v-prediction network as trainers see it: forward(z, t, c) and its parameters.
/// Implemented by <see cref="ControlledUNet"/> (ControlNet adapter) and <see cref="ConcatConditionedUNet"/> (condition concatenated to the input).
/// </summary>
public interface IConditionalDenoiser
{
    /// <summary>v-prediction for noisy images z [B, C, H, W], int64 timesteps t [B] and conditions c [B, Cc, H, W].</summary>
    Tensor Forward(Tensor z, Tensor t, Tensor c);

    /// <summary>The network as a module (for train/eval, device moves, state dicts and checkpoints).</summary>
    nn.Module Module { get; }

    /// <summary>Kind and configuration, for checkpoints.</summary>
    ModelDescription Description { get; }

    /// <summary>The parameters that currently require gradients, with their state-dict names, in a stable order.</summary>
    IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters();
}
