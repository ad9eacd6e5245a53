using Microsoft.ML.Runtime;
using TorchSharp;

namespace Microsoft.ML.Alter.MLNet;

/// <summary>
/// Picks the TorchSharp device from the ML.NET host exactly as ML.NET's own TorchSharp trainers do:
/// <c>MLContext.GpuDeviceId</c> set and CUDA available → that CUDA device; otherwise the CPU, unless
/// <c>MLContext.FallbackToCpu</c> is false while a GPU was asked for, which is an error.
/// </summary>
internal static class DeviceSelection
{
    public static torch.Device Resolve(IHostEnvironment env)
    {
        // MLContext implements IHostEnvironmentInternal; a host registered from it forwards these settings.
        if (env is not IHostEnvironmentInternal settings || settings.GpuDeviceId is not { } gpu)
            return torch.CPU;
        if (torch.cuda.is_available())
            return new torch.Device(DeviceType.CUDA, gpu);
        if (!settings.FallbackToCpu)
            throw new InvalidOperationException(
                $"MLContext.GpuDeviceId is {gpu} but CUDA is not available (no GPU, or no TorchSharp-cuda backend), and "
                + "MLContext.FallbackToCpu is false. Set FallbackToCpu = true to train and score on the CPU.");
        return torch.CPU;
    }
}
