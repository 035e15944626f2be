using Fer.Onnx;

namespace Fer.Training.Quantization;

/// <summary>
/// One node the quantiser turns into integer arithmetic: its weight (an initializer, quantised per channel along
/// <see cref="WeightAxis"/>), its optional bias, and the activations around it: <see cref="Input"/>, and
/// <see cref="Output"/>, which is the output of a ReLU or Clip that alone follows the node (ONNX Runtime folds such an
/// activation into the quantised op, so the range after it is the one that matters).
/// </summary>
public sealed record QuantizedOp(OnnxFileNode Node, int WeightInput, int WeightAxis, int? BiasInput, string Input, string Output);
