# SPDX-License-Identifier: GPL-3.0-or-later
"""The networks the lab trains: a small VGG-style CNN for a CPU, ResNet-18 for more cores."""
from torch import nn


def _block(inputs, outputs):
    return [nn.Conv2d(inputs, outputs, 3, padding=1, bias=False), nn.BatchNorm2d(outputs),
            nn.ReLU(inplace=True)]


def small_cnn(classes):
    """Three VGG-style stages (3 x 3 convolution with 32, 64, 128 channels, batch norm, ReLU,
    max-pool), then a global average pool: works at any input size and trains on a few thousand
    CIFAR-10 images in a minute or two on one CPU core."""
    layers = (_block(3, 32) + [nn.MaxPool2d(2)]
              + _block(32, 64) + [nn.MaxPool2d(2)]
              + _block(64, 128) + [nn.MaxPool2d(2)]
              + [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, classes)])
    return nn.Sequential(*layers)


def resnet18(classes):
    """torchvision's ResNet-18 with the CIFAR stem (3 x 3 first convolution, no max-pool)."""
    from torchvision.models import resnet18 as torchvision_resnet18
    model = torchvision_resnet18(num_classes=classes)
    model.conv1 = nn.Conv2d(3, 64, 3, stride=1, padding=1, bias=False)
    model.maxpool = nn.Identity()
    return model


MODELS = {'small': small_cnn, 'resnet18': resnet18}


def build(name, classes):
    return MODELS[name](classes)
