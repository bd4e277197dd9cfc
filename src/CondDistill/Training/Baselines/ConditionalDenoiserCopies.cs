using CondDistill.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Training.Baselines;

/// <summary>
/// Independent copies of conditional models, for the frozen teachers, students and EMA targets of
/// the two-stage baselines. A copy shares no tensor with its source, so training the copy (or the
/// source) never changes the other.
/// </summary>
public static class ConditionalDenoiserCopies
{
    /// <summary>
    /// A new model of the same kind and configuration as <paramref name="source"/> (from its
    /// <see cref="IConditionalDenoiser.Description"/>), on the same device, holding a copy of every
    /// parameter and buffer. Every parameter of the copy requires gradients and the copy is in
    /// training mode; use <see cref="Freeze"/> for a teacher or target.
    /// </summary>
    /// <exception cref="ArgumentException">The source is not a ControlledUNet or ConcatConditionedUNet.</exception>
    public static IConditionalDenoiser Copy(IConditionalDenoiser source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var description = source.Description;
        IConditionalDenoiser copy = description.Kind switch
        {
            ModelDescription.ControlledUNetKind => ControlledUNet.FromConfigJson(description.ConfigJson),
            ModelDescription.ConcatConditionedUNetKind => ConcatConditionedUNet.FromConfigJson(description.ConfigJson),
            _ => throw new ArgumentException(
                $"Cannot copy a conditional model of kind '{description.Kind}': expected '{ModelDescription.ControlledUNetKind}' or '{ModelDescription.ConcatConditionedUNetKind}'.",
                nameof(source)),
        };
        copy.Module.to(DeviceOf(source.Module));
        ModuleWeights.Copy(source.Module, copy.Module);
        foreach (var parameter in copy.Module.parameters()) parameter.requires_grad = true;
        copy.Module.train();
        return copy;
    }

    /// <summary>Turns off gradients for every parameter and puts the model in evaluation mode (a teacher or target).</summary>
    public static void Freeze(IConditionalDenoiser model)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var parameter in model.Module.parameters()) parameter.requires_grad = false;
        model.Module.eval();
    }

    /// <summary>A frozen copy: <see cref="Copy"/> then <see cref="Freeze"/>.</summary>
    public static IConditionalDenoiser FrozenCopy(IConditionalDenoiser source)
    {
        var copy = Copy(source);
        Freeze(copy);
        return copy;
    }

    /// <summary>
    /// Sets which parameters train: for a <see cref="ControlledUNet"/> via
    /// <see cref="ControlledUNet.ConfigureTrainable"/>; a <see cref="ConcatConditionedUNet"/> has no
    /// adapter, so it only accepts <see cref="TrainableScope.Full"/>.
    /// </summary>
    /// <exception cref="ArgumentException">AdapterOnly was asked of a model without an adapter.</exception>
    public static void ConfigureTrainable(IConditionalDenoiser model, TrainableScope scope, string context)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model is ControlledUNet controlled)
        {
            controlled.ConfigureTrainable(scope);
            return;
        }
        if (scope != TrainableScope.Full)
            throw new ArgumentException(
                $"{context}: TrainableScope.{scope} needs a ControlNet adapter, but the model is a '{model.Description.Kind}'. " +
                "Use TrainableScope.Full, or start from a ControlledUNet (a ControlNet fine-tune).", nameof(scope));
        foreach (var parameter in model.Module.parameters()) parameter.requires_grad = true;
    }

    /// <summary>The device of a module's first parameter (CPU for a module without parameters).</summary>
    public static Device DeviceOf(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        foreach (var parameter in module.parameters()) return parameter.device;
        return CPU;
    }
}
