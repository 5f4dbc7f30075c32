# SPDX-License-Identifier: GPL-3.0-or-later
"""One training run: SGD with a one-cycle schedule, the paper's random crop and flip, then the
accuracy on the (clean) test images."""
import time

import numpy as np
import torch
from torch import nn

from . import models

MEAN = torch.tensor([0.4914, 0.4822, 0.4465]).view(1, 3, 1, 1)
STD = torch.tensor([0.2470, 0.2435, 0.2616]).view(1, 3, 1, 1)


class Budget:
    def __init__(self, epochs, batch_size=128, learning_rate=0.05, model='small'):
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.model = model

    def as_dict(self):
        return {'epochs': self.epochs, 'batch_size': self.batch_size,
                'learning_rate': self.learning_rate, 'model': self.model,
                'optimizer': 'SGD momentum 0.9, nesterov, weight decay 5e-4, one-cycle'}


def _to_float(images):
    """N x H x W x 3 uint8 -> N x 3 x H x W float in [0, 1]."""
    return images.permute(0, 3, 1, 2).float().div_(255)


def random_crop_flip(batch, size, generator):
    """The paper's augmentation: zero-pad by size / 8, take a random SIZE x SIZE crop, flip half.
    (Padding is relative to the size so a 64-pixel run sees the same relative shifts.)"""
    b, _, h, w = batch.shape
    pad = size // 8
    padded = nn.functional.pad(batch, (pad, pad, pad, pad))
    top = torch.randint(0, h + 2 * pad - size + 1, (b,), generator=generator)
    left = torch.randint(0, w + 2 * pad - size + 1, (b,), generator=generator)
    span = torch.arange(size)
    rows = (top[:, None] + span)[:, :, None]
    cols = (left[:, None] + span)[:, None, :]
    flip = torch.rand(b, generator=generator) < 0.5
    cols = torch.where(flip[:, None, None], cols.flip(-1), cols)
    index = torch.arange(b)[:, None, None]
    return padded.permute(0, 2, 3, 1)[index, rows, cols].permute(0, 3, 1, 2).contiguous()


def train_and_test(train_x, train_y, test_x, test_y, classes, budget, seed, transform_factory,
                   log, label):
    """Trains a fresh model from SEED on TRAIN_X (uint8 N x S x S x 3) and returns the test
    accuracy in percent, overall and per class. TRANSFORM_FACTORY(generator) gives the trainer's
    per-batch transform (a countermeasure such as RSK+FF) or None."""
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    order_rng = np.random.default_rng(seed)
    model = models.build(budget.model, classes)
    optimizer = torch.optim.SGD(model.parameters(), lr=budget.learning_rate, momentum=0.9,
                                nesterov=True, weight_decay=5e-4)
    steps_per_epoch = (len(train_x) + budget.batch_size - 1) // budget.batch_size
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=budget.learning_rate, epochs=budget.epochs,
        steps_per_epoch=steps_per_epoch, pct_start=0.25)
    transform = transform_factory(generator) if transform_factory else None
    train_x = torch.from_numpy(train_x)
    train_y = torch.from_numpy(train_y)
    size = train_x.shape[1]
    loss_fn = nn.CrossEntropyLoss()
    start = time.monotonic()
    for epoch in range(budget.epochs):
        model.train()
        order = torch.from_numpy(order_rng.permutation(len(train_x)))
        total_loss, correct = 0.0, 0
        for step in range(steps_per_epoch):
            index = order[step * budget.batch_size:(step + 1) * budget.batch_size]
            batch = _to_float(train_x[index])
            if transform:
                batch = transform(batch)
            batch = random_crop_flip(batch, size, generator)
            batch = (batch - MEAN) / STD
            target = train_y[index]
            output = model(batch)
            loss = loss_fn(output, target)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            total_loss += loss.item() * len(index)
            correct += (output.argmax(1) == target).sum().item()
        log(f"{label}: epoch {epoch + 1}/{budget.epochs}, training loss "
            f"{total_loss / len(train_x):.3f}, training accuracy "
            f"{100 * correct / len(train_x):.1f} % ({time.monotonic() - start:.0f} s)")
    return evaluate(model, test_x, test_y, classes)


@torch.no_grad()
def evaluate(model, test_x, test_y, classes, batch_size=500):
    """(accuracy in percent, list of per-class accuracies in percent)."""
    model.eval()
    test_x = torch.from_numpy(test_x)
    predictions = []
    for start in range(0, len(test_x), batch_size):
        batch = (_to_float(test_x[start:start + batch_size]) - MEAN) / STD
        predictions.append(model(batch).argmax(1).numpy())
    hits = np.concatenate(predictions) == test_y
    per_class = [100.0 * float(hits[test_y == c].mean()) if (test_y == c).any() else None
                 for c in range(classes)]
    return 100.0 * float(hits.mean()), per_class
