using System.Runtime.CompilerServices;
using TorchSharp;

namespace CondDistill.Runtime;

/// <summary>
/// Loads TorchSharp's native CPU backend as soon as the library is loaded, so that the first
/// TorchSharp call from any host (tests, the CLI, a notebook kernel whose natives are not beside
/// TorchSharp.dll) works, including when that call is an <c>nn.Module</c> constructor.
/// </summary>
internal static class TorchInitializer
{
#pragma warning disable CA2255 // a library module initializer is exactly what hosts without natives beside TorchSharp.dll need
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() => torch.InitializeDeviceType(DeviceType.CPU);
}
